import { missingMaterials, type Missing } from "../../crafter/state/transitions.ts";
import type { ContractNotice, CraftingState, PolicyEvaluation } from "../../crafter/state/types.ts";
import { orderedEvaluations } from "../../crafter/policy/attach.ts";
import type { CraftingDeps } from "./crafting-deps.ts";

export interface MaterialRow {
  name: string;
  kind: string;
  set: boolean;
  required: boolean;
  output: boolean;
  fromContract: boolean;
  value?: string;
  digest?: string;
  annotations?: Record<string, string>;
}

export interface StatusView {
  attestationId: string;
  dryRun: boolean;
  initializedAt: string;
  workflow: CraftingState["workflow"];
  runner: CraftingState["runner"];
  env: Record<string, string>;
  git?: CraftingState["git"];
  materials: MaterialRow[];
  missing: Missing;
  /** Attestation-level annotations the contract requires at push. */
  requiredAnnotations: string[];
  readyToPush: boolean;
  /** Material policy verdicts so far (attestation policies run at push). */
  policyEvaluations: PolicyEvaluation[];
  /** What the contract changed since the workflow's last finished run, when it did (set by init). */
  contractChanges?: ContractNotice;
}

/** Contract materials in contract order, then contract-free ones by name. */
export function statusView(state: CraftingState): StatusView {
  const rows: MaterialRow[] = state.contract.materials.map((m) => {
    const got = state.materials[m.name];
    return { name: m.name, kind: m.type, set: !!got, required: !m.optional, output: m.output, fromContract: true, ...recorded(got) };
  });
  const extra = Object.values(state.materials)
    .filter((m) => !m.fromContract)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const m of extra) rows.push({ name: m.name, kind: m.kind, set: true, required: false, output: m.output, fromContract: false, ...recorded(m) });
  const missing = missingMaterials(state);
  return {
    attestationId: state.attestationId,
    dryRun: state.dryRun,
    initializedAt: state.initializedAt,
    workflow: state.workflow,
    runner: state.runner,
    env: state.env,
    git: state.git,
    materials: rows,
    missing,
    requiredAnnotations: state.contract.annotations.filter((a) => a.value === "").map((a) => a.name),
    readyToPush: missing.materials.length === 0 && missing.groups.length === 0,
    policyEvaluations: orderedEvaluations(state.policyEvaluations ?? []),
    ...(state.contractChanges && { contractChanges: state.contractChanges }),
  };
}

function recorded(m: CraftingState["materials"][string] | undefined): Partial<MaterialRow> {
  return m ? { value: m.value, digest: m.digest, annotations: m.annotations } : {};
}

export async function attestationStatus(deps: Pick<CraftingDeps, "state">): Promise<StatusView> {
  return statusView(await deps.state.read());
}
