/**
 * The admission configuration of `cairn serve --admission-config FILE` (docs/admission.md): a verification policy per
 * namespace, an optional `"*"` policy for every other namespace, and images exempt from the check. Pure: text in,
 * typed value out. Every problem in the file is reported at once (USAGE, details = [{path, problem, line, column}]);
 * unknown keys are errors, because a typo (`requireTLog: true`) must not silently weaken a policy.
 */
import { parseDuration } from "../config.ts";
import { CairnError, isCairnError } from "../errors.ts";
import { DNS_1123, DNS_1123_PROBLEM } from "../crafter/contract/materials.ts";
import type { Path } from "../crafter/contract/path.ts";
import { Reader, type Fields, type Problem } from "../crafter/contract/reader.ts";
import { readTree, type Tree, type Value } from "../crafter/contract/tree.ts";
import { BUILTIN_PREFIX, builtinNames } from "../crafter/policy/library.ts";
import { didYouMean } from "../crafter/contract/suggest.ts";
import type { VerificationPolicySpec } from "../slsa/verification-policy.ts";
import { compileFull } from "../trust/policy.ts";
import { matchesImage, parseImagePattern } from "./exempt.ts";
import { NAMESPACE_NAME } from "./review.ts";

export interface AdmissionConfig {
  /** Namespace name → its policy. */
  namespaces: Map<string, VerificationPolicySpec>;
  /** The `"*"` entry: the policy of every namespace not listed. Without it, unlisted namespaces are not checked. */
  fallback?: VerificationPolicySpec;
  /** Image patterns admitted without a check (see exempt.ts), as written. */
  exemptImages: string[];
  /**
   * `resolveTags: true`: an image given by tag is resolved to its digest at its registry. Off by default: the server
   * then contacts no registry a Pod spec names (a review is attacker-shaped input), and tag-only images are denied.
   */
  resolveTags: boolean;
}

export const FALLBACK_NAMESPACE = "*";
const TOP_KEYS = ["namespaces", "exemptImages", "resolveTags"] as const;
const POLICY_KEYS = [
  "workflow", "project", "allowBehind", "includeInputs", "requireProvenance", "requireTlog", "maxAge", "policies", "policyInputs", "sourceRef",
  "certificateIdentity", "certificateIdentityRegexp", "certificateOidcIssuer", "certificateOidcIssuerRegexp",
] as const;
const STRING_KEYS = ["sourceRef", "certificateIdentity", "certificateOidcIssuer"] as const;
const REGEXP_KEYS = [["certificateIdentity", "certificateIdentityRegexp"], ["certificateOidcIssuer", "certificateOidcIssuerRegexp"]] as const;
const MAX_ENTRIES = 1000;

/** Parses the configuration; `source` (the file's path) starts every error message. */
export function parseAdmissionConfig(text: string, source: string): AdmissionConfig {
  const tree = configTree(text, source);
  const r = new Reader(tree);
  const top = r.fields(tree.root ?? new Map(), [], TOP_KEYS);
  const config: AdmissionConfig = { namespaces: new Map(), exemptImages: [], resolveTags: r.boolean(top?.get("resolveTags"), ["resolveTags"]) ?? false };
  const namespaces = top?.get("namespaces");
  if (top && namespaces === undefined) r.add(["namespaces"], "is required: the policy of each namespace to check", `e.g. namespaces: {prod: {workflow: build-image, project: skynet}}`);
  else if (namespaces !== undefined) readNamespaces(r, namespaces, config);
  config.exemptImages = r.strings(top?.get("exemptImages"), ["exemptImages"], (s) => {
    const p = parseImagePattern(s);
    return typeof p === "string" ? `${JSON.stringify(s)} ${p}` : undefined;
  });
  const problems = r.sorted();
  if (problems.length > 0) throw invalidConfig(source, problems);
  return config;
}

/**
 * One verification policy written as a document of its own (the `policy` of a `POST /api/v1/verify` body, as JSON
 * text): the same fields and checks as a namespace's. `source` names it in errors (`the request's policy`).
 */
export function parseVerificationPolicy(text: string, source: string, opts: { regexps: boolean } = { regexps: true }): VerificationPolicySpec {
  const tree = configTree(text, source);
  const r = new Reader(tree);
  const spec = readPolicy(r, tree.root ?? new Map(), [], opts.regexps);
  const problems = r.sorted();
  if (problems.length > 0) throw invalidConfig(source, problems);
  return spec ?? {};
}

/** The namespace's own policy, else the `"*"` policy; undefined = the namespace is not checked. */
export function policyForNamespace(c: AdmissionConfig, ns: string): VerificationPolicySpec | undefined {
  return c.namespaces.get(ns) ?? c.fallback;
}

/** Whether an image (as written in the Pod spec) matches one of exemptImages. */
export function isExempt(c: AdmissionConfig, image: string): boolean {
  return c.exemptImages.some((s) => {
    const p = parseImagePattern(s);
    return typeof p !== "string" && matchesImage(p, image);
  });
}

function readNamespaces(r: Reader, v: Value, config: AdmissionConfig): void {
  if (!(v instanceof Map)) return r.add(["namespaces"], "must be a mapping of namespace names to policies");
  if (v.size === 0) r.add(["namespaces"], "lists no namespace: the webhook would check nothing", `name a namespace, or "*" for all of them`);
  if (v.size > MAX_ENTRIES) return r.add(["namespaces"], `lists ${v.size} namespaces, more than ${MAX_ENTRIES}`);
  for (const [ns, body] of v) {
    const path = ["namespaces", ns];
    if (ns !== FALLBACK_NAMESPACE && !NAMESPACE_NAME.test(ns)) {
      r.add(path, `${JSON.stringify(ns)} is not a namespace name (DNS-1123 label) or "*"`);
      continue;
    }
    // `prod:` with nothing under it is an empty policy, as `prod: {}`: a verified attestation, nothing more.
    const spec = readPolicy(r, body ?? new Map(), path);
    if (spec === undefined) continue;
    if (ns === FALLBACK_NAMESPACE) config.fallback = spec;
    else config.namespaces.set(ns, spec);
  }
}

/** Longest string a policy field takes: values are echoed in reasons, once per attestation considered. */
const MAX_VALUE = 1024;

/**
 * `regexps: false` (a policy sent by an API caller): the *Regexp fields are refused, since one request's pattern runs
 * on the server's single thread against every certificate (catastrophic backtracking); exact values only.
 */
function readPolicy(r: Reader, v: Value, path: Path, regexps = true): VerificationPolicySpec | undefined {
  const f = r.fields(v, path, POLICY_KEYS);
  if (!f) return undefined;
  const spec: VerificationPolicySpec = {};
  for (const key of ["workflow", "project"] as const) {
    const name = r.matching(f.get(key), [...path, key], DNS_1123, DNS_1123_PROBLEM);
    if (name !== undefined) spec[key] = name;
  }
  for (const key of ["allowBehind", "includeInputs", "requireProvenance", "requireTlog"] as const) {
    const b = r.boolean(f.get(key), [...path, key]);
    if (b !== undefined) spec[key] = b;
  }
  const maxAge = readMaxAge(r, f, [...path, "maxAge"]);
  if (maxAge !== undefined) spec.maxAgeMs = maxAge;
  const policies = r.strings(f.get("policies"), [...path, "policies"], policyProblem);
  if (policies.length > 0) spec.policies = policies;
  const inputs = f.get("policyInputs") === undefined ? {} : r.stringMap(f.get("policyInputs"), [...path, "policyInputs"]);
  if (Object.keys(inputs).length > 0) spec.policyInputs = inputs;
  for (const key of STRING_KEYS) {
    const s = r.string(f.get(key), [...path, key]);
    if (s === "") r.add([...path, key], "is empty: remove it or give a value");
    else if (s !== undefined && s.length > MAX_VALUE) r.add([...path, key], `is longer than ${MAX_VALUE} characters`);
    else if (s !== undefined) spec[key] = s;
  }
  for (const [exact, re] of REGEXP_KEYS) {
    const s = r.string(f.get(re), [...path, re]);
    if (s === undefined) continue;
    if (!regexps) r.add([...path, re], "is not accepted here: give the exact value", `use ${exact}`);
    else if (s.length > MAX_VALUE) r.add([...path, re], `is longer than ${MAX_VALUE} characters`);
    else if (f.has(exact)) r.add([...path, re], `and ${exact} are exclusive: keep one`);
    else if (regexpProblem(s) !== undefined) r.add([...path, re], regexpProblem(s)!);
    else spec[re] = s;
  }
  return spec;
}

function readMaxAge(r: Reader, f: Fields, path: Path): number | undefined {
  const v = f.get("maxAge");
  if (v === undefined) return undefined;
  if (typeof v !== "string") {
    r.add(path, "must be a duration with a unit, e.g. 30d, 12h, 90m", "Write the unit: a bare number is ambiguous.");
    return undefined;
  }
  try {
    const ms = parseDuration(v, "");
    if (ms > 0) return ms;
    r.add(path, "must be longer than 0 (0 would refuse every image)");
  } catch (e) {
    if (!isCairnError(e, "USAGE")) throw e;
    r.add(path, `${JSON.stringify(v)} is not a duration (a number and a unit: 90s, 15m, 2h, 30d)`);
  }
  return undefined;
}

function policyProblem(ref: string): string | undefined {
  if (ref.trim() === "") return "is empty: give a policy file or builtin:NAME";
  if (!ref.startsWith(BUILTIN_PREFIX)) return undefined;
  const name = ref.slice(BUILTIN_PREFIX.length);
  if (builtinNames().includes(name)) return undefined;
  return `no built-in policy ${JSON.stringify(name)}${didYouMean(name, builtinNames())} (built-in: ${builtinNames().join(", ")})`;
}

function regexpProblem(source: string): string | undefined {
  try {
    compileFull(source, "the regular expression");
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function configTree(text: string, source: string): Tree {
  try {
    return readTree(text, source);
  } catch (e) {
    if (!isCairnError(e, "CONTRACT_INVALID")) throw e;
    throw new CairnError("USAGE", e.message, { hint: "Fix the YAML syntax at that line of the admission configuration.", details: e.details });
  }
}

/** One USAGE error: `FILE:LINE:COL: path: problem (and N more)`, every problem in `details`. */
function invalidConfig(source: string, problems: Problem[]): CairnError {
  const first = problems[0]!;
  const at = first.line === undefined ? "" : `:${first.line}:${first.column}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  const hint = first.hint ?? "Fix the field named in the message; the admission configuration format is in docs/admission.md.";
  return new CairnError("USAGE", `${source}${at}: ${first.path === "" ? "" : `${first.path}: `}${first.problem}${more}`, {
    hint,
    details: problems.map(({ hint: _hint, ...p }) => p),
  });
}
