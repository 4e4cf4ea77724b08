// The SLSA provenance step of `att push`: after the cairn attestation is stored, a SLSA Provenance v1 statement naming
// it as a byproduct is rendered, signed the same way, stored beside it and optionally written to a file.
import { CairnError } from "../../errors.ts";
import { serializeStatement } from "../../crafter/statement.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import { buildProvenance } from "../../slsa/provenance.ts";
import { sha256 } from "../../crafter/sha256.ts";
import type { SigningMethod } from "../../signing/sign.ts";
import { writeFileAtomic } from "../atomic-file.ts";
import type { CraftingDeps } from "./crafting-deps.ts";
import type { ReferrerPush } from "./push-referrers.ts";
import type { Statement } from "../../crafter/statement.ts";

/** `--provenance slsa-v1` (the default) or `none`, `--provenance-bundle FILE`. */
export interface ProvenanceChoice {
  enabled: boolean;
  bundlePath?: string;
}

/** What the target does with a signed provenance: stores it (the server may log it and answer the stored bytes). */
export interface ProvenanceTarget {
  /** The provenance already stored for the run (a push cut off after storing it), as stored. */
  stored(runId: string): Promise<{ digest: string; bundle: Uint8Array; storedAt?: string } | undefined>;
  /** `attestation`: the stored cairn attestation's statement (it names the images the provenance goes next to). */
  record(p: { state: CraftingState; statement: Statement; bundle: Uint8Array; attestationDigest: string; attestation: Statement; now: string }): Promise<{ storedAt?: string; bundle?: Uint8Array; referrers?: ReferrerPush[] }>;
}

export interface ProvenanceResult {
  digest: string;
  storedAt?: string;
  bundlePath?: string;
  referrers?: ReferrerPush[];
}

/**
 * A contract that requires provenance refuses `--provenance none`, and an attestation without output materials (a
 * provenance needs subjects). Checked before anything is signed.
 */
export function checkProvenanceChoice(state: CraftingState, choice: ProvenanceChoice): void {
  const required = state.contract.provenance?.required === true;
  if (required && !choice.enabled) {
    throw new CairnError("USAGE", `the contract ${state.workflow.contractName} requires SLSA provenance: --provenance none is not allowed`, { hint: "drop --provenance none" });
  }
  if ((required || choice.bundlePath) && !Object.values(state.materials).some((m) => m.output)) {
    const why = required ? `the contract ${state.workflow.contractName} requires SLSA provenance` : "--provenance-bundle asks for SLSA provenance";
    throw new CairnError("MATERIALS_MISSING", `${why}, which needs at least one output material (its subjects)`, {
      hint: "declare the built artifact in the contract as a material with `output: true`, and add it",
    });
  }
}

/**
 * Renders, signs and stores the provenance of the stored attestation `attestationDigest` (nothing when provenance is
 * off or there are no output materials). A provenance already stored for the run is reported, not signed again.
 */
export async function pushProvenance(
  deps: CraftingDeps,
  input: { state: CraftingState; attestationDigest: string; attestation: Statement; method: () => Promise<SigningMethod>; choice: ProvenanceChoice; target?: ProvenanceTarget; controlPlane?: string },
): Promise<ProvenanceResult | undefined> {
  const { state, choice, target } = input;
  if (!choice.enabled) return undefined;
  const already = state.dryRun || !target ? undefined : await target.stored(state.workflow.runId!);
  if (already) {
    if (choice.bundlePath) writeFileAtomic(choice.bundlePath, already.bundle, 0o600);
    return { digest: already.digest, ...(already.storedAt && { storedAt: already.storedAt }), ...(choice.bundlePath && { bundlePath: choice.bundlePath }) };
  }
  const now = deps.clock.now().toISOString();
  const statement = buildProvenance({ state, attestationDigest: input.attestationDigest, builderVersion: deps.version, finishedOn: now, ...(input.controlPlane && { controlPlane: input.controlPlane }) });
  if (!statement) return undefined;
  const { signStatement } = await import("../../signing/sign.ts");
  const signed = await signStatement(serializeStatement(statement), await input.method());
  const stored = state.dryRun || !target ? undefined : await target.record({ state, statement, bundle: signed, attestationDigest: input.attestationDigest, attestation: input.attestation, now });
  const bundle = stored?.bundle ?? signed;
  if (choice.bundlePath) writeFileAtomic(choice.bundlePath, bundle, 0o600);
  return {
    digest: sha256(bundle),
    ...(stored?.storedAt && { storedAt: stored.storedAt }),
    ...(choice.bundlePath && { bundlePath: choice.bundlePath }),
    ...(stored?.referrers?.length && { referrers: stored.referrers }),
  };
}
