/** `policies {materials[], attestation[]}` and `policyGroups[]` of a contract spec. */
import type { PolicyAttachment, PolicyGroupAttachment } from "./types.ts";
import { DNS_1123, DNS_1123_PROBLEM } from "./materials.ts";
import type { Path } from "./path.ts";
import type { Reader } from "./reader.ts";
import { checkPolicyRef } from "./refs.ts";
import { NumberLiteral, type Value } from "./tree.ts";

const POLICIES_KEYS = ["materials", "attestation"] as const;
const ATTACHMENT_KEYS = ["ref", "embedded", "selector", "disabled", "with", "requirements", "gate"] as const;
const SELECTOR_KEYS = ["name", "matchMode"] as const;
const GROUP_KEYS = ["ref", "with", "skip", "gate"] as const;
const MATCH_MODES = ["EXACT", "PREFIX"] as const;
/** Chainloop's requirement pattern: `[org/]framework/requirement[@version]`. */
const REQUIREMENT = /^([a-z0-9-]+\/)?([^\s/]+\/)([^\s@/]+)(@[^\s@]+)?$/;
const DNS_PREFIX = /^[a-z0-9][-a-z0-9]*$/;
const REF_HINT =
  "Use file://path.yaml, https://host/path.yaml, chainloop://[provider:][org/]name, a bare policy name or a relative path.";

export function readPolicies(r: Reader, v: Value | undefined, path: Path): PolicyAttachment[][] {
  if (v === undefined) return [[], []];
  const f = r.fields(v, path, POLICIES_KEYS);
  if (!f) return [[], []];
  return POLICIES_KEYS.map((key) => {
    const at = [...path, key];
    return r.list(f.get(key), at).flatMap((item, i) => readAttachment(r, item, [...at, i]) ?? []);
  });
}

function readAttachment(r: Reader, v: Value, path: Path): PolicyAttachment | undefined {
  const f = r.fields(v, path, ATTACHMENT_KEYS);
  if (!f) return undefined;
  const out: PolicyAttachment = {
    with: r.stringMap(f.get("with"), [...path, "with"]),
    requirements: r.strings(f.get("requirements"), [...path, "requirements"], (s) =>
      REQUIREMENT.test(s) ? undefined : `"${s}" must look like [org/]framework/requirement[@version]`,
    ),
    disabled: r.boolean(f.get("disabled"), [...path, "disabled"]) ?? false,
  };
  const hasRef = f.has("ref");
  const hasEmbedded = f.has("embedded");
  if (hasRef && hasEmbedded) r.add(path, "sets both ref and embedded; use one");
  else if (!hasRef && !hasEmbedded) r.add([...path, "ref"], "is required (or give the policy inline as embedded)");
  if (hasRef) {
    const ref = readRef(r, f.get("ref"), [...path, "ref"]);
    if (ref !== undefined) out.ref = ref;
  }
  if (hasEmbedded) {
    const e = f.get("embedded")!;
    // Kept as written; a later stage validates the Policy document itself.
    if (e instanceof Map) out.embedded = toPlain(e) as Record<string, unknown>;
    else r.add([...path, "embedded"], "must be a Policy document (a mapping with apiVersion, kind: Policy, …)");
  }
  const selector = readSelector(r, f.get("selector"), [...path, "selector"]);
  if (selector) out.selector = selector;
  const gate = r.boolean(f.get("gate"), [...path, "gate"]);
  if (gate !== undefined) out.gate = gate;
  return out;
}

function readSelector(r: Reader, v: Value | undefined, path: Path): PolicyAttachment["selector"] {
  if (v === undefined) return undefined;
  const f = r.fields(v, path, SELECTOR_KEYS);
  if (!f) return undefined;
  const rawMode = r.string(f.get("matchMode"), [...path, "matchMode"]) ?? "EXACT";
  const matchMode = MATCH_MODES.find((m) => m === rawMode);
  if (!matchMode) r.add([...path, "matchMode"], `must be EXACT or PREFIX, got "${rawMode}"`);
  if (!f.has("name")) {
    r.add([...path, "name"], "is required");
    return undefined;
  }
  // Material names are DNS-1123, so a name (or prefix) that is not can never match anything.
  const namePath = [...path, "name"];
  const name =
    matchMode === "PREFIX"
      ? r.matching(f.get("name"), namePath, DNS_PREFIX, "can never match a material name (lowercase letters, digits, '-')")
      : r.matching(f.get("name"), namePath, DNS_1123, DNS_1123_PROBLEM);
  return name === undefined || matchMode === undefined ? undefined : { name, matchMode };
}

export function readPolicyGroups(r: Reader, v: Value | undefined, path: Path): PolicyGroupAttachment[] {
  return r.list(v, path).flatMap((item, i) => {
    const at = [...path, i];
    const f = r.fields(item, at, GROUP_KEYS);
    if (!f) return [];
    if (!f.has("ref")) r.add([...at, "ref"], "is required");
    const out: PolicyGroupAttachment = {
      ref: readRef(r, f.get("ref"), [...at, "ref"]) ?? "",
      with: r.stringMap(f.get("with"), [...at, "with"]),
      skip: r.strings(f.get("skip"), [...at, "skip"], (s) =>
        DNS_1123.test(s) ? undefined : `"${s}" is not a policy name`,
      ),
    };
    const gate = r.boolean(f.get("gate"), [...at, "gate"]);
    if (gate !== undefined) out.gate = gate;
    return [out];
  });
}

function readRef(r: Reader, v: Value | undefined, path: Path): string | undefined {
  const ref = r.string(v, path);
  if (ref === undefined) return undefined;
  const problem = checkPolicyRef(ref);
  if (problem !== undefined) {
    r.add(path, problem, REF_HINT);
    return undefined;
  }
  return ref;
}

/** Value tree → plain JSON-like data (numbers as numbers) for parts kept verbatim. */
function toPlain(v: Value): unknown {
  if (v instanceof NumberLiteral) return v.value;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toPlain(x)]));
  return v;
}
