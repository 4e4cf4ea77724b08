// The semantic difference between two contract revisions: what a developer must now do differently. Pure.
import type { Contract, ContractAnnotation, ContractMaterial, PolicyAttachment, PolicyGroupAttachment } from "./types.ts";

export type PolicyLevel = "material" | "attestation";

/** A policy attachment as a person names it: its ref (or embedded name), level and, for material policies, the material it selects. */
export interface PolicyRef {
  policy: string;
  level: PolicyLevel;
  /** The selected material (absent: every material of the policy's kinds, or the attestation). */
  material?: string;
}

/** `undefined` = the attachment inherits the default gating behaviour. */
export type GateSetting = boolean | undefined;

/** One change, discriminated by `change`. */
export type ContractChange =
  | { change: "material-added"; material: string; kind: string; required: boolean; output: boolean }
  | { change: "material-removed"; material: string; kind: string }
  | { change: "material-required"; material: string; required: boolean }
  | { change: "material-output"; material: string; output: boolean }
  | { change: "material-kind"; material: string; from: string; to: string }
  | ({ change: "policy-attached"; gate?: boolean } & PolicyRef)
  | ({ change: "policy-detached" } & PolicyRef)
  | ({ change: "policy-gate"; from?: boolean; to?: boolean } & PolicyRef)
  | ({ change: "policy-disabled"; disabled: boolean } & PolicyRef)
  | { change: "policy-group-attached"; group: string; gate?: boolean }
  | { change: "policy-group-detached"; group: string }
  | { change: "policy-group-gate"; group: string; from?: boolean; to?: boolean }
  | { change: "env-added"; name: string }
  | { change: "env-removed"; name: string }
  | { change: "runner"; from?: string; to?: string }
  | { change: "annotation-added"; name: string; value: string }
  | { change: "annotation-removed"; name: string }
  | { change: "annotation-value"; name: string; from: string; to: string }
  | { change: "provenance-required"; required: boolean };

/** Every change from `from` to `to`, in a stable order (materials, policies, groups, env, runner, annotations, provenance). */
export type ContractChanges = ContractChange[];

/**
 * What changed between two contracts, ignoring formatting, order and descriptions.
 * @example diffContracts(rev2, rev3) // [{ change: "material-added", material: "sbom", kind: "SBOM_CYCLONEDX_JSON", required: true, output: false }]
 */
export function diffContracts(from: Contract, to: Contract): ContractChanges {
  return [
    ...diffMaterials(from.materials, to.materials),
    ...diffPolicies("material", from.policies.materials, to.policies.materials),
    ...diffPolicies("attestation", from.policies.attestation, to.policies.attestation),
    ...diffGroups(from.policyGroups, to.policyGroups),
    ...diffEnv(from.envAllowList, to.envAllowList),
    ...diffRunner(from.runner, to.runner),
    ...diffAnnotations(from.annotations, to.annotations),
    ...diffProvenance(from.provenance?.required === true, to.provenance?.required === true),
  ];
}

function diffMaterials(from: ContractMaterial[], to: ContractMaterial[]): ContractChange[] {
  const before = new Map(from.map((m) => [m.name, m]));
  const after = new Map(to.map((m) => [m.name, m]));
  const out: ContractChange[] = [];
  for (const m of to) {
    const old = before.get(m.name);
    if (!old) {
      out.push({ change: "material-added", material: m.name, kind: m.type, required: !m.optional, output: m.output });
      continue;
    }
    if (old.type !== m.type) out.push({ change: "material-kind", material: m.name, from: old.type, to: m.type });
    if (old.optional !== m.optional) out.push({ change: "material-required", material: m.name, required: !m.optional });
    if (old.output !== m.output) out.push({ change: "material-output", material: m.name, output: m.output });
  }
  for (const m of from) if (!after.has(m.name)) out.push({ change: "material-removed", material: m.name, kind: m.type });
  return out;
}

/** An embedded policy is named by its metadata.name (kept as written, so possibly absent). */
function policyName(p: PolicyAttachment): string {
  if (p.ref !== undefined) return p.ref;
  const meta = p.embedded?.["metadata"];
  const name = meta && typeof meta === "object" ? (meta as Record<string, unknown>)["name"] : undefined;
  return typeof name === "string" ? `embedded ${name}` : "embedded policy";
}

function policyRef(level: PolicyLevel, p: PolicyAttachment): PolicyRef {
  return { policy: policyName(p), level, ...(p.selector && { material: p.selector.name }) };
}

/** Attachments pair by (policy, selector); the same policy attached twice to the same selector pairs in order. */
function paired<T>(from: T[], to: T[], key: (t: T) => string): { added: T[]; removed: T[]; kept: [T, T][] } {
  const pool = new Map<string, T[]>();
  for (const t of from) pool.set(key(t), [...(pool.get(key(t)) ?? []), t]);
  const added: T[] = [];
  const kept: [T, T][] = [];
  for (const t of to) {
    const old = pool.get(key(t))?.shift();
    if (old === undefined) added.push(t);
    else kept.push([old, t]);
  }
  return { added, removed: [...pool.values()].flat(), kept };
}

function diffPolicies(level: PolicyLevel, from: PolicyAttachment[], to: PolicyAttachment[]): ContractChange[] {
  const { added, removed, kept } = paired(from, to, (p) => `${policyName(p)}\u0000${p.selector?.matchMode ?? ""}:${p.selector?.name ?? ""}`);
  const out: ContractChange[] = added.map((p) => ({ change: "policy-attached", ...policyRef(level, p), ...(p.gate !== undefined && { gate: p.gate }) }));
  for (const [old, now] of kept) {
    if (old.gate !== now.gate) out.push({ change: "policy-gate", ...policyRef(level, now), ...gates(old.gate, now.gate) });
    if (old.disabled !== now.disabled) out.push({ change: "policy-disabled", ...policyRef(level, now), disabled: now.disabled });
  }
  for (const p of removed) out.push({ change: "policy-detached", ...policyRef(level, p) });
  return out;
}

function gates(from: GateSetting, to: GateSetting): { from?: boolean; to?: boolean } {
  return { ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
}

function diffGroups(from: PolicyGroupAttachment[], to: PolicyGroupAttachment[]): ContractChange[] {
  const { added, removed, kept } = paired(from, to, (g) => g.ref);
  const out: ContractChange[] = added.map((g) => ({ change: "policy-group-attached", group: g.ref, ...(g.gate !== undefined && { gate: g.gate }) }));
  for (const [old, now] of kept) if (old.gate !== now.gate) out.push({ change: "policy-group-gate", group: now.ref, ...gates(old.gate, now.gate) });
  for (const g of removed) out.push({ change: "policy-group-detached", group: g.ref });
  return out;
}

function diffEnv(from: string[], to: string[]): ContractChange[] {
  const before = new Set(from);
  const after = new Set(to);
  return [
    ...[...after].filter((n) => !before.has(n)).map((name): ContractChange => ({ change: "env-added", name })),
    ...[...before].filter((n) => !after.has(n)).map((name): ContractChange => ({ change: "env-removed", name })),
  ];
}

/** An absent runner and RUNNER_TYPE_UNSPECIFIED both mean "any runner". */
function diffRunner(from: string | undefined, to: string | undefined): ContractChange[] {
  const norm = (r: string | undefined) => (r === undefined || r === "RUNNER_TYPE_UNSPECIFIED" ? undefined : r);
  const [a, b] = [norm(from), norm(to)];
  return a === b ? [] : [{ change: "runner", ...(a !== undefined && { from: a }), ...(b !== undefined && { to: b }) }];
}

function diffAnnotations(from: ContractAnnotation[], to: ContractAnnotation[]): ContractChange[] {
  const before = new Map(from.map((a) => [a.name, a.value]));
  const after = new Map(to.map((a) => [a.name, a.value]));
  const out: ContractChange[] = [];
  for (const [name, value] of after) {
    const old = before.get(name);
    if (old === undefined) out.push({ change: "annotation-added", name, value });
    else if (old !== value) out.push({ change: "annotation-value", name, from: old, to: value });
  }
  for (const name of before.keys()) if (!after.has(name)) out.push({ change: "annotation-removed", name });
  return out;
}

function diffProvenance(from: boolean, to: boolean): ContractChange[] {
  return from === to ? [] : [{ change: "provenance-required", required: to }];
}
export { changeLine, renderContractChanges } from "./diff-render.ts";
