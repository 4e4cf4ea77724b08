// Verified ingest of SLSA provenance: `cairn serve` takes a provenance only beside an attestation it already stored,
// signed with the same authority, for subjects that attestation records as outputs.
import { sha256 } from "../../crafter/sha256.ts";
import { CairnError } from "../../errors.ts";
import type { Statement } from "../../crafter/statement.ts";
import { verifyEnvelope, verifyFailed } from "../../signing/envelope.ts";
import { checkProvenance } from "../../slsa/provenance-schema.ts";
import { companionMismatch, provenanceAttestation } from "../../slsa/companion.ts";
import type { Signer } from "../../trust/verifier.ts";
import type { Scope } from "../../store/ports.ts";
import { pushReferrers } from "../crafting/push-referrers.ts";
import { recordProvenance, runProvenance } from "../crafting/record-provenance.ts";
import type { ServiceDeps } from "../deps.ts";
import { storedStatement } from "../stored-bundle.ts";
import { checkPushIdentity } from "./push-identity.ts";
import { envelopeSignature, hasLogEntry, logPushedBundle, type LogSignature } from "./push-log.ts";
import { isAttested } from "./runs.ts";
import type { IngestResult } from "./ingest.ts";
import type { KeyObject } from "node:crypto";

export interface SignedProvenance {
  statement: unknown;
  signer: Signer;
  key?: KeyObject;
  json: Record<string, unknown>;
}

/**
 * Stores a pushed, signature-verified provenance beside the run of the attestation it names: that attestation must be
 * stored in this organization (and the token's scope) as the run's, the signer must be allowed to push for the run
 * (and, for a key, be the attestation's key), and every subject must be one of the attestation's subjects.
 */
export async function ingestProvenance(deps: ServiceDeps, bytes: Uint8Array, p: SignedProvenance, opts: { scope?: Scope; issuer?: string; log?: LogSignature }): Promise<IngestResult> {
  const problems = checkProvenance(p.statement);
  if (problems.length > 0) verifyFailed(`the pushed SLSA provenance is not valid: ${problems.slice(0, 3).join("; ")}`);
  const statement = p.statement as Statement;
  const attestation = provenanceAttestation(statement);
  if (!attestation) verifyFailed("the SLSA provenance names no cairn attestation (runDetails.byproducts `cairn-attestation` with a sha256 digest)", "push it with `att push`, which signs it beside the attestation");
  const org = await deps.repo.findOrg(deps.config.organization);
  const row = await deps.repo.findAttestation(attestation!);
  const run = org && row && row.orgId === org.id ? await deps.runs.get(org.id, row.runId, opts.scope) : undefined;
  if (!run || !isAttested(run.state) || run.attestationDigest !== attestation) {
    throw new CairnError("NOT_FOUND", `attestation ${attestation}, named by the SLSA provenance, is not stored in organization ${deps.config.organization}`, { hint: "push the attestation first" });
  }
  const digest = sha256(bytes);
  const result = { digest, runId: run.id, workflow: run.workflow, project: run.project, signer: p.signer };
  const existing = await runProvenance(deps, run.id);
  if (existing?.digest === digest) return { ...result, created: false };
  checkPushIdentity(p.signer, run, deps.config.organization, opts.issuer);
  const storedBundle = await deps.blobs.read(attestation!);
  const cairn = storedStatement(storedBundle, attestation!);
  const otherSigner = signerMismatch(p, storedBundle, attestation!);
  if (otherSigner) verifyFailed(otherSigner);
  const mismatch = companionMismatch(statement, attestation!, cairn);
  if (mismatch) verifyFailed(mismatch);
  if (existing) {
    // The same signature, stored with the server's log entry added (the client's first push was cut off): idempotent.
    const stored = await deps.blobs.read(existing.digest);
    if (!hasLogEntry(p.json) && envelopeSignature(JSON.parse(new TextDecoder().decode(stored))) === envelopeSignature(p.json)) {
      return { ...result, digest: existing.digest, bundle: Buffer.from(stored).toString("base64"), created: false };
    }
    throw new CairnError("STATE_INVALID", `workflow run ${run.id} already has SLSA provenance ${existing.digest}`, { details: { provenance: existing.digest } });
  }
  const logged = opts.log && !hasLogEntry(p.json) ? await logPushedBundle(p.json, p.key, opts.log) : undefined;
  const stored = logged ?? bytes;
  const now = deps.clock.now().toISOString();
  const ref = await recordProvenance(deps, { statement, bundle: stored, runId: run.id, attestationDigest: attestation!, attestation: cairn, now });
  const referrers = await pushReferrers(deps, { statement: cairn, bundle: stored, now, digest: ref.digest, predicateType: statement.predicateType });
  return { ...result, digest: ref.digest, ...(logged && { bundle: Buffer.from(logged).toString("base64") }), created: true, ...(referrers.length > 0 && { referrers }) };
}

/**
 * Why the provenance's signer is not the stored attestation's, or undefined. A key-signed attestation takes only a
 * provenance signed by the same key, proven by its envelope verifying under the key that verified the provenance (the
 * stored hint is unauthenticated); a certificate-signed one only a certificate-signed one (its identity, the run's
 * workflow, is checked by checkPushIdentity).
 */
function signerMismatch(p: SignedProvenance, stored: Uint8Array, digest: string): string | undefined {
  const json = JSON.parse(new TextDecoder().decode(stored)) as { verificationMaterial?: { publicKey?: { hint?: string } }; dsseEnvelope?: Record<string, unknown> };
  const publicKey = json.verificationMaterial?.publicKey;
  const signed = p.signer.kind === "key" ? `key ${p.signer.keyId}` : "a certificate";
  // A hint naming the provenance's own key, which did not sign the attestation, is not repeated as its signer.
  const by = !publicKey ? "a certificate" : publicKey.hint && `key ${publicKey.hint}` !== signed ? publicKey.hint : "another key";
  const same = p.signer.kind === "key" ? publicKey !== undefined && p.key !== undefined && verifiesWith(json.dsseEnvelope, p.key) : publicKey === undefined;
  return same ? undefined : `the SLSA provenance is signed by ${signed}, but attestation ${digest} by ${by}: sign both the same way`;
}

function verifiesWith(envelope: Record<string, unknown> | undefined, key: KeyObject): boolean {
  try {
    return envelope !== undefined && verifyEnvelope(envelope, [key]) !== undefined;
  } catch {
    return false;
  }
}
