// One attestation against the policy: the cheap store facts first (record, run, workflow, age, contract revision),
// then — only while it is still a candidate — the signature, the signed statement and the policies.
import { isCairnError } from "../../errors.ts";
import type { Scope } from "../../store/ports.ts";
import type { VerificationPolicySpec } from "../../slsa/verification-policy.ts";
import { workflowIdentity } from "../../trust/identity.ts";
import type { IdentityPolicy } from "../../trust/policy.ts";
import type { ServiceDeps } from "../deps.ts";
import { policyReasons, type LoadedPolicy } from "./policies.ts";
import { type ContractFacts, requiredMaterialReasons, runReasons, signedRunReasons, sourceRefReasons } from "./run-checks.ts";
import { checkSignature, signerReasons, type SignatureCheck, type SignatureTrust } from "./signature.ts";
import { ACCEPTED_PREDICATES, SLSA_PROVENANCE_V1 } from "./statement.ts";
import type { ConsideredAttestation } from "./types.ts";

export interface JudgeContext {
  deps: ServiceDeps;
  orgId: string;
  /** sha256:HEX of the artifact. */
  artifact: string;
  policy: VerificationPolicySpec;
  identity?: IdentityPolicy;
  trust: SignatureTrust;
  policies: LoadedPolicy[];
  scope?: Scope;
  /** The store's contract facts, read once per verification. */
  contracts: ContractFacts;
  /** Key ids of the keys the caller passed itself (`--key`), as opposed to the organization's registered ones. */
  explicitKeys: Set<string>;
}

/** An attestation to judge: from the store (its bytes in the CAS) or found elsewhere (bytes given). */
export interface Candidate {
  digest: string;
  source: "store" | "registry";
  bytes?: Uint8Array;
}

export interface Judged {
  considered: ConsideredAttestation;
  /** Its signature verified and its statement names the artifact; undefined while the signature was not checked. */
  valid?: boolean;
  /** Accepted and certificate-signed under an identity the policy pinned (SLSA Build L2), or key-signed (L1). */
  signedBy?: "key" | "pinned-certificate" | "certificate";
  bytes?: Uint8Array;
  /** SLSA provenance: the cairn attestation it accompanies, which must be accepted for it to be. */
  companion?: string;
}

/** Judges one candidate (see the file comment); never throws for a bad attestation, only for a broken store. */
export async function judge(ctx: JudgeContext, c: Candidate): Promise<Judged> {
  const { deps } = ctx;
  const found = await deps.repo.findAttestation(c.digest);
  const record = found && found.orgId === ctx.orgId ? found : undefined;
  const run = record ? await deps.runs.get(ctx.orgId, record.runId, ctx.scope) : undefined;
  // Out of the caller's scope, a stored attestation is as unknown as any other bundle (nothing about its run leaks).
  const stored = record !== undefined && (run !== undefined || ctx.scope === undefined);
  const considered: ConsideredAttestation = { digest: c.digest, predicateType: stored ? record.predicateType : "", accepted: false, reasons: [], tlog: false, source: c.source };
  // Stored, but its run is outside the caller's scope: nothing about it is read, and it is never accepted.
  if (record !== undefined && !stored) return { considered: { ...considered, reasons: ["outside this token's scope"] }, valid: false };
  if (stored) {
    considered.runId = record.runId;
    if (!(ACCEPTED_PREDICATES as readonly string[]).includes(record.predicateType)) considered.reasons.push(`predicate type ${record.predicateType} is not accepted`);
    if (!run) considered.reasons.push(`run ${record.runId} is not in the store`);
    else if (run.workflowId !== record.workflowId) considered.reasons.push(`run ${run.id} belongs to another workflow than the attestation`);
    else considered.reasons.push(...await runReasons(deps, run, ctx.policy, ctx.contracts));
    if (run) Object.assign(considered, { workflow: run.workflow, project: run.project });
  }
  const judged: Judged = { considered };
  if (considered.reasons.length > 0) return judged; // cheap rejection: the signature is checked only if the exit code needs it
  const bytes = c.bytes ?? (await readBundle(deps, c.digest));
  if (typeof bytes === "string") return reject(judged, bytes);
  judged.bytes = bytes;
  const sig = checkSignature(bytes, c.digest, ctx.artifact, ctx.trust);
  applySignature(judged, sig);
  if (!sig.ok) return judged;
  const { facts, verified } = sig;
  considered.role = facts.role;
  const reasons = considered.reasons;
  if (facts.role !== "subject" && !ctx.policy.includeInputs) reasons.push("names the artifact only as an input material, not as an output of its workflow (--include-inputs accepts that)");
  if (stored && facts.predicateType !== record.predicateType) reasons.push(`signed predicate type ${facts.predicateType} is not the recorded ${record.predicateType}`);
  if (!stored) {
    considered.predicateType = facts.predicateType;
    Object.assign(considered, { workflow: facts.workflow, project: facts.project, runId: facts.runId });
    if (!(ACCEPTED_PREDICATES as readonly string[]).includes(facts.predicateType)) reasons.push(`predicate type ${facts.predicateType} is not accepted`);
    reasons.push(...unknownRunReasons(ctx, facts.organization));
    // Without a run row, the signed statement is all there is: a blocked or dry-run attestation is never accepted.
    if (facts.blocked) reasons.push("signed as blocked by a policy gate");
    if (facts.dryRun) reasons.push("signed as a dry run");
  }
  reasons.push(...signerReasons(verified, ctx.identity, ctx.policy.requireTlog));
  const sanPinned = ctx.identity?.san !== undefined || ctx.identity?.sanRegexp !== undefined;
  // A pinned certificate identity is the signer the caller asked for: an organization key is not that signer.
  if (ctx.identity && verified.signer.kind === "key" && !ctx.explicitKeys.has(verified.signer.keyId)) {
    reasons.push("key-signed, but the policy pins a certificate identity (pass the key with --key to accept it)");
  }
  if (verified.signer.kind === "certificate" && !sanPinned) {
    // No pin: the certificate must name the run's own cairn workflow, or anyone a trusted CA certifies would pass.
    const who = run ?? (facts.workflow && facts.project ? { project: facts.project, workflow: facts.workflow } : undefined);
    const want = who && workflowIdentity(verified.signer.issuer ?? "", deps.config.organization, who.project, who.workflow);
    if (!want || verified.signer.san !== want) reasons.push(`certificate identity ${verified.signer.san || "(none)"} is not the run's workflow (pin --certificate-identity to accept another signer)`);
  }
  if (facts.predicateType === SLSA_PROVENANCE_V1) {
    // A provenance stands only beside its run's own attestation, which must pass too (digest.ts checks that).
    if (!facts.companion) reasons.push("the provenance names no cairn attestation (runDetails.byproducts cairn-attestation)");
    else if (run && run.attestationDigest !== facts.companion) reasons.push(`the provenance names attestation ${facts.companion}, not its run's ${run.attestationDigest ?? "(none)"}`);
    else judged.companion = facts.companion;
  }
  if (run && facts.predicateType !== SLSA_PROVENANCE_V1) {
    reasons.push(...signedRunReasons(facts, run, deps.config.organization));
    reasons.push(...await requiredMaterialReasons(run, facts, ctx.contracts));
  }
  reasons.push(...sourceRefReasons(facts, ctx.policy.sourceRef));
  if (reasons.length === 0) reasons.push(...(await policyReasons(deps, ctx.policies, verified.statement, facts.materials)));
  considered.accepted = reasons.length === 0;
  // Build L2 needs the signer's identity pinned (an issuer alone admits every identity it certifies).
  judged.signedBy = verified.signer.kind === "key" ? "key" : sanPinned ? "pinned-certificate" : "certificate";
  return judged;
}

/** For a cheaply rejected attestation: whether its signature is valid (decides exit 1 vs 4); adds the reason if not. */
export async function checkDeferredSignature(ctx: JudgeContext, j: Judged): Promise<void> {
  if (j.valid !== undefined) return;
  const bytes = await readBundle(ctx.deps, j.considered.digest);
  if (typeof bytes === "string") return void reject(j, bytes);
  applySignature(j, checkSignature(bytes, j.considered.digest, ctx.artifact, ctx.trust));
}

/** A bundle known only from outside the store has no run facts: a policy that needs them cannot pass on it. */
function unknownRunReasons(ctx: JudgeContext, organization: string | undefined): string[] {
  const p = ctx.policy;
  const needs = [p.workflow !== undefined && "--workflow", p.project !== undefined && "--project", p.maxAgeMs !== undefined && "--max-age", !p.allowBehind && "the contract revision check (--allow-behind skips it)"].filter(Boolean);
  const reasons = needs.length > 0 ? [`its run is not in the store, so ${needs.join(", ")} cannot be checked`] : [];
  if (organization !== undefined && organization !== ctx.deps.config.organization) reasons.push(`signed organization ${organization} is not ${ctx.deps.config.organization}`);
  return reasons;
}

function applySignature(j: Judged, sig: SignatureCheck): void {
  j.valid = sig.ok;
  if (sig.signer) j.considered.signer = sig.signer;
  if (sig.ok) j.considered.tlog = sig.verified.tlogEntries.length > 0;
  else j.considered.reasons.push(sig.reason);
}

/** A bundle that cannot be read is no valid attestation. */
function reject(j: Judged, reason: string): Judged {
  j.valid = false;
  j.considered.reasons.push(reason);
  return j;
}

/** The bundle from the CAS, or why it cannot be read. */
async function readBundle(deps: ServiceDeps, digest: string): Promise<Uint8Array | string> {
  try {
    return await deps.blobs.read(digest);
  } catch (e) {
    if (isCairnError(e, "NOT_FOUND")) return "bundle is not in the CAS";
    if (isCairnError(e, "INTEGRITY")) return "bundle in the CAS does not match its digest (tampered)";
    throw e;
  }
}
