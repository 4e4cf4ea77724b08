import { basename } from "node:path";
import { CairnError } from "../../errors.ts";
import type { ContractMaterial } from "../../crafter/contract/types.ts";
import { mergeAnnotations, resolveTarget, withMaterial } from "../../crafter/state/transitions.ts";
import type { CraftingState, RecordedMaterial } from "../../crafter/state/types.ts";
import type { CraftingDeps } from "./crafting-deps.ts";
import { explodeArchive, isArchiveFile } from "../materials/archive.ts";
import { detect, evaluateMaterial, requireKind, type Evaluated } from "../materials/evaluate.ts";
import { replaceMaterialEvaluations, violationLines } from "../../crafter/policy/attach.ts";
import type { PolicyEvaluation } from "../../crafter/state/types.ts";
import { evaluateMaterialPolicies } from "./policies.ts";
import { registryOptionsFn } from "../materials/registry-image.ts";
import { checkMaterialSignature } from "../materials/signature.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import { hashFile } from "../../store/cas/digest.ts";

export interface AddInput {
  name?: string;
  value: string;
  kind?: string;
  annotations: Record<string, string>;
  strict: boolean;
  /** `--offline`: a registry image is recorded by its pinned digest without contacting the registry. */
  offline?: boolean;
}

/** Files above this size get a progress bar on a terminal. */
const PROGRESS_THRESHOLD = 1024 * 1024;

/**
 * `attestation add`: validates the material against its kind, stores content in the CAS (files hashed while they
 * stream, one pass; not in dry-run, not for skipUpload) and records it in the crafting state through the state
 * store's update (a lock file locally, optimistic locking for a remote state: then this may run more than once).
 * Archives of SBOM, SARIF and JUnit reports become one material per report plus the archive as EVIDENCE.
 * The contract's material policies that apply run on each recorded material; their verdicts replace the earlier
 * ones of that material in the state, and violations are warned about (gates act at push).
 * Each uploaded material is recorded as a reference of the run in the store (locally), so `store gc` keeps it until
 * the run closes whichever state file the job uses. Returns every material recorded. On any error the state is left
 * as it was.
 */
export async function addMaterial(deps: CraftingDeps, input: AddInput): Promise<RecordedMaterial[]> {
  // ATTESTATION/SLSA_PROVENANCE signatures are checked against the home's roots (read only when one is added).
  const trust = async (): Promise<TrustPolicy> => ({ keys: [], roots: (await import("../trust-roots.ts")).homeRoots(deps.config.home, { publicGood: true }) });
  const done = await deps.state.update(async (state) => {
    const target = resolveTarget(state, input.name, input.kind);
    const cwd = deps.config.cwd;
    const kind = target.kind ? requireKind(target.kind) : detect(input.value, cwd);
    const name = target.name || `${kind.kind.toLowerCase().replace(/_/g, "-")}-${Object.keys(state.materials).length + 1}`;
    const items =
      kind.explodesArchives && isArchiveFile(input.value, cwd)
        ? await explodeArchive(kind, input.value, name, { cwd, strict: input.strict })
        : [{ name, ev: await evaluateMaterial(input.value, kind.kind, { cwd, strict: input.strict, registry: registryOptionsFn(deps), resolveImages: imageResolution(state, input), materialName: name }) }];
    for (const item of items) item.ev = await checkMaterialSignature(item.ev, trust);
    let next = state;
    const recorded: RecordedMaterial[] = [];
    const evaluations: PolicyEvaluation[] = [];
    for (const [i, item] of items.entries()) {
      const declared = i === 0 ? target.contract : claimedName(state, item.name);
      const m = await record(deps, state, item.name, item.ev, declared, input.annotations);
      // In the store before the state names it: killed in between, the blob is kept for nothing until the run closes.
      if (m.uploaded && state.workflow.runId) await deps.leases?.referFromRun(state.workflow.runId, m.digest, m.addedAt);
      evaluations.push(...(await evaluateMaterialPolicies(deps, state.contract, state.workflow.contractName, { name: m.name, ev: item.ev, annotations: m.annotations })));
      next = withMaterial(next, m);
      recorded.push(m);
    }
    if (evaluations.length > 0 || state.policyEvaluations !== undefined) {
      next = { ...next, policyEvaluations: replaceMaterialEvaluations(state.policyEvaluations, recorded.map((m) => m.name), evaluations) };
    }
    return { state: next, result: { recorded, evaluations } };
  });
  // Warned once the state is stored: a remote state's update may run more than once.
  for (const line of violationLines(done.evaluations)) deps.reporter.warn(`policy violation: ${line}`);
  return done.recorded;
}

/** Offline: never; a dry run needs no registry for a pinned reference (nothing it resolves would be pushed). */
function imageResolution(state: CraftingState, input: AddInput): "always" | "unless-pinned" | "never" {
  if (input.offline) return "never";
  return state.dryRun ? "unless-pinned" : "always";
}

/** An exploded entry may not take the name of another contract material. */
function claimedName(state: CraftingState, name: string): undefined {
  if (state.contract.materials.some((m) => m.name === name) || state.materials[name]?.fromContract) {
    throw new CairnError("USAGE", `archive entry would be named ${name}, which the contract uses for another material`, {
      hint: "rename the material or the contract entry",
    });
  }
  return undefined;
}

async function record(
  deps: CraftingDeps,
  state: CraftingState,
  name: string,
  ev: Evaluated,
  declared: ContractMaterial | undefined,
  userAnnotations: Record<string, string>,
): Promise<RecordedMaterial> {
  const annotations = mergeAnnotations(`material ${name}`, declared?.annotations ?? [], userAnnotations, ev.annotations);
  if (ev.warnings.length > 0) {
    annotations["cairn.material.validation.warnings"] ??= String(ev.warnings.length);
    for (const w of ev.warnings) deps.reporter.warn(`${name}: ${w}`);
  }
  const upload = (ev.path !== undefined || ev.bytes !== undefined) && !state.dryRun && !declared?.skipUpload;
  const stored = await store(deps, ev, upload);
  return {
    name,
    kind: ev.kind.kind,
    digest: stored.digest,
    value: ev.value,
    size: stored.size,
    uploaded: upload,
    output: declared?.output ?? false,
    required: declared ? !declared.optional : false,
    fromContract: declared !== undefined,
    addedAt: deps.clock.now().toISOString(),
    annotations,
    warnings: ev.warnings,
  };
}

async function store(deps: CraftingDeps, ev: Evaluated, upload: boolean): Promise<{ digest: string; size?: number }> {
  // The file's name travels with its bytes (an OCI backend titles the layer with it); an archive entry's is its base name.
  const name = basename(ev.value);
  if (ev.bytes) return upload ? deps.blobs.putBytes(ev.bytes, { name }) : { digest: ev.digest, size: ev.size };
  if (ev.path === undefined) return { digest: ev.digest, size: ev.size };
  const total = ev.size ?? 0;
  const onProgress = total > PROGRESS_THRESHOLD && deps.reporter.progress ? (n: number) => deps.reporter.progress!(ev.value, n, total) : undefined;
  if (upload) return deps.blobs.ingestFile(ev.path, { onProgress, name });
  return hashOnly(ev.path, onProgress);
}

/** Dry-run and skipUpload: the digest without storing anything. */
async function hashOnly(path: string, onProgress?: (n: number) => void): Promise<{ digest: string; size: number }> {
  const ref = await hashFile(path, onProgress);
  if (ref.size === 0) throw new CairnError("MATERIAL_EMPTY", `file ${path} is empty`);
  return ref;
}
