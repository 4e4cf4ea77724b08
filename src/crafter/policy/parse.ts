/**
 * Policy text (YAML or JSON) → CompiledPolicy, or one POLICY_INVALID error listing every problem with its
 * file:line:col. Unknown fields are errors (a typo must not silently disable a check). The format is
 * documented in docs/policies.md; the value tree and field reader are the contract parser's.
 */
import { createHash } from "node:crypto";
import { CairnError, isCairnError } from "../../errors.ts";
import { kindNames } from "../materials/registry.ts";
import { formatPath, type Path } from "../contract/path.ts";
import { Reader, type Problem } from "../contract/reader.ts";
import { readTree, type Tree, type Value } from "../contract/tree.ts";
import { CelProblem, compileCel, type Expect } from "./cel.ts";
import { locate } from "./locate.ts";
import type { CompiledExpr, CompiledPolicy, PolicyInput, PolicyRule } from "./types.ts";

export const API_VERSIONS = ["cairn.dev/v1", "chainloop.dev/v1"];
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const INPUT_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

interface Ctx {
  r: Reader;
  tree: Tree;
  text: string;
  source: string;
}

/** Parses and compiles a policy. `source` names it in errors (a path, or `builtin:NAME`). */
export function compilePolicy(text: string, source: string): CompiledPolicy {
  const tree = readPolicyTree(text, source);
  const c: Ctx = { r: new Reader(tree), tree, text, source };
  const top = c.r.fields(tree.root ?? new Map(), [], ["apiVersion", "kind", "metadata", "spec"]);
  const apiVersion = c.r.string(top?.get("apiVersion"), ["apiVersion"]);
  if (apiVersion === undefined) c.r.add(["apiVersion"], `is required (${API_VERSIONS[0]})`);
  else if (!API_VERSIONS.includes(apiVersion)) c.r.add(["apiVersion"], `must be ${API_VERSIONS.join(" or ")}, got "${apiVersion}"`);
  if (c.r.string(top?.get("kind"), ["kind"]) !== "Policy") c.r.add(["kind"], "must be Policy");
  const meta = c.r.fields(top?.get("metadata") ?? new Map(), ["metadata"], ["name", "description", "annotations"]);
  const name = c.r.matching(meta?.get("name"), ["metadata", "name"], DNS_1123, "is not a DNS-1123 name (lower case letters, digits and -)");
  if (meta?.get("name") === undefined) c.r.add(["metadata", "name"], "is required");
  c.r.stringMap(meta?.get("annotations"), ["metadata", "annotations"]);
  const spec = c.r.fields(top?.get("spec") ?? new Map(), ["spec"], ["inputs", "rules"]);
  const inputs = readInputs(c, spec?.get("inputs"));
  const rules = readRules(c, spec?.get("rules"));
  const problems = c.r.sorted();
  if (problems.length > 0 || name === undefined) throw invalidPolicy(source, problems);
  return {
    name,
    description: c.r.string(meta?.get("description"), ["metadata", "description"]) ?? "",
    source,
    digest: `sha256:${createHash("sha256").update(text).digest("hex")}`,
    inputs,
    rules,
  };
}

function readPolicyTree(text: string, source: string): Tree {
  try {
    return readTree(text, source);
  } catch (e) {
    if (!isCairnError(e, "CONTRACT_INVALID")) throw e;
    throw new CairnError("POLICY_INVALID", e.message, { hint: "Fix the YAML/JSON syntax at that line.", details: e.details });
  }
}

function readInputs(c: Ctx, v: Value | undefined): PolicyInput[] {
  const out: PolicyInput[] = [];
  c.r.list(v, ["spec", "inputs"]).forEach((item, i) => {
    const path = ["spec", "inputs", i];
    const f = c.r.fields(item, path, ["name", "description", "default", "required", "type"]);
    if (!f) return;
    const name = c.r.matching(f.get("name"), [...path, "name"], INPUT_NAME, "is not an input name (a letter, then letters, digits, _)");
    if (f.get("name") === undefined) c.r.add([...path, "name"], "is required");
    const input: PolicyInput = {
      name: name ?? "",
      description: c.r.string(f.get("description"), [...path, "description"]) ?? "",
      required: c.r.boolean(f.get("required"), [...path, "required"]) ?? false,
      type: "string",
    };
    const def = c.r.string(f.get("default"), [...path, "default"], true);
    if (def !== undefined) input.default = def;
    if (input.required && def !== undefined) c.r.add([...path, "default"], "a required input has no default: remove one of them");
    const type = c.r.string(f.get("type"), [...path, "type"]);
    if (type === "list") input.type = "list";
    else if (type !== undefined && type !== "string") c.r.add([...path, "type"], `must be string or list, got "${type}"`);
    if (name !== undefined && out.some((o) => o.name === name)) c.r.add([...path, "name"], `duplicate input "${name}"`);
    if (name !== undefined) out.push(input);
  });
  return out;
}

function readRules(c: Ctx, v: Value | undefined): PolicyRule[] {
  const items = c.r.list(v, ["spec", "rules"]);
  if (items.length === 0) c.r.add(["spec", "rules"], "must list at least one rule");
  const out: PolicyRule[] = [];
  items.forEach((item, i) => {
    const path = ["spec", "rules", i];
    const f = c.r.fields(item, path, ["name", "kinds", "attestation", "when", "violations"]);
    if (!f) return;
    const name = c.r.matching(f.get("name"), [...path, "name"], DNS_1123, "is not a rule name (lower case letters, digits and -)");
    if (f.get("name") === undefined) c.r.add([...path, "name"], "is required");
    if (name !== undefined && out.some((o) => o.name === name)) c.r.add([...path, "name"], `duplicate rule "${name}"`);
    const known = kindNames();
    const kinds = c.r.strings(f.get("kinds"), [...path, "kinds"], (k) => (k === "*" || known.includes(k) ? undefined : `unknown material kind "${k}" (see \`cairn materials list\`)`));
    const attestation = c.r.boolean(f.get("attestation"), [...path, "attestation"]) ?? false;
    if (attestation && f.has("kinds")) c.r.add([...path, "kinds"], "a rule is either for material kinds or for the attestation (attestation: true), not both");
    if (!attestation && !f.has("kinds")) c.r.add(path, "needs `kinds: [KIND, …]` or `attestation: true`");
    const label = name ?? `#${i + 1}`;
    const when = f.has("when") ? expr(c, f.get("when"), [...path, "when"], "bool", label) : undefined;
    const violations = expr(c, f.get("violations"), [...path, "violations"], "list", label);
    if (name !== undefined && violations !== undefined) {
      out.push({ name, kinds: attestation ? [] : kinds, attestation, violations, ...(when ? { when } : {}) });
    }
  });
  return out;
}

function expr(c: Ctx, v: Value | undefined, path: Path, expect: Expect, rule: string): CompiledExpr | undefined {
  if (v === undefined) {
    c.r.add(path, "is required: a CEL expression returning a list of violation messages");
    return undefined;
  }
  const source = c.r.string(v, path);
  if (source === undefined) return undefined;
  const node = c.tree.positionOf(path) ?? { line: 1, column: 1 };
  const at = (offset: number) => locate(c.text, node, source, offset);
  try {
    const program = compileCel(source, expect);
    const start = at(0);
    return { source, program, at: `${c.source}:${start.line}:${start.column}` };
  } catch (e) {
    if (!(e instanceof CelProblem)) throw e;
    const pos = at(e.offset);
    const field = path[path.length - 1];
    c.r.problems.push({ path: formatPath(path), problem: `rule "${rule}": ${field}: CEL ${e.message}`, line: pos.line, column: pos.column });
    return undefined;
  }
}

/** One POLICY_INVALID error: the first problem in the message (with file:line:col), all of them in details. */
export function invalidPolicy(source: string, problems: Problem[]): CairnError {
  const first = problems[0] ?? { path: "", problem: "invalid policy" };
  const at = first.line === undefined ? "" : `:${first.line}:${first.column}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  const where = first.path === "" ? "" : `${first.path}: `;
  return new CairnError("POLICY_INVALID", `${source}${at}: ${where}${first.problem}${more}`, {
    hint: first.hint ?? (problems.length > 1 ? `Fix the ${problems.length} problems (all listed with -o json or \`cairn policy lint\`).` : "Fix the field named in the message (format: docs/policies.md)."),
    details: problems.map(({ hint: _h, ...p }) => p),
  });
}
