// What makes a push safe to repeat after a crash: it answers from the receipt the last push left, and it never signs
// an attestation whose uploaded materials are gone from the CAS.
import { CairnError } from "../../errors.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import type { PushReceipt } from "../../store/state-port.ts";
import { writeFileAtomic } from "../atomic-file.ts";
import { storedStatement } from "../stored-bundle.ts";
import type { CraftingDeps } from "./crafting-deps.ts";
import type { PushResult } from "./push.ts";

/** The state, or, when there is none but the last push from it left a receipt, that receipt. */
export async function readState(deps: CraftingDeps): Promise<CraftingState | { receipt: PushReceipt }> {
  try {
    return await deps.state.read();
  } catch (e) {
    const receipt = e instanceof CairnError && e.code === "STATE_MISSING" ? await deps.state.pushed?.() : undefined;
    if (!receipt) throw e;
    return { receipt };
  }
}

/**
 * `att push` again after a push that stored its attestation (and may have been killed before saying so): the
 * stored attestation, named in a warning, and --bundle written again; nothing is signed twice.
 */
export async function repeatedPush(deps: CraftingDeps, receipt: PushReceipt, bundlePath?: string): Promise<PushResult> {
  const bundle = await deps.blobs.read(receipt.digest);
  const statement = storedStatement(bundle, receipt.digest);
  if (bundlePath) writeFileAtomic(bundlePath, bundle, 0o600);
  deps.reporter.warn(`already pushed: ${receipt.digest} (run ${receipt.runId} at ${receipt.pushedAt}); \`cairn attestation init\` starts the next one`);
  return { digest: receipt.digest, dryRun: false, runId: receipt.runId, statement, bundlePath, ...(receipt.storedAt && { storedAt: receipt.storedAt }) };
}

/** Replaces the state by the push's receipt where the state store keeps one; else just removes it. */
export async function retire(deps: CraftingDeps, receipt: PushReceipt): Promise<void> {
  if (deps.state.retire) await deps.state.retire(receipt);
  else await deps.state.remove();
}

/**
 * Every material the state says it uploaded must still be in the CAS: an attestation naming evidence nobody can
 * download is refused before signing (gc does not collect a live run's materials; this catches any other loss).
 */
export async function assertUploaded(deps: CraftingDeps, state: CraftingState): Promise<void> {
  const gone: string[] = [];
  for (const m of Object.values(state.materials)) {
    if (m.uploaded && !(await deps.blobs.has(m.digest))) gone.push(`${m.name} (${m.digest})`);
  }
  if (gone.length === 0) return;
  throw new CairnError("MATERIALS_MISSING", `the CAS no longer holds uploaded material${gone.length > 1 ? "s" : ""} ${gone.join(", ")}`, {
    hint: "add them again with `cairn attestation add --name NAME --value VALUE` (the same name replaces the entry), then push",
    details: { materials: gone },
  });
}
