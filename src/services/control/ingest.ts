// Verified ingest: what `cairn serve` does with a pushed bundle. Every check passes before anything is stored.
import { createHash, type KeyObject } from "node:crypto";
import { keyId } from "../../signing/keys.ts";
import { CairnError } from "../../errors.ts";
import { verifyFailed } from "../../signing/envelope.ts";
import { parseBundle } from "../../trust/sigstore.ts";
import { parseJsonObject, verifyBundle, type Signer } from "../../trust/verifier.ts";
import { servedLogRootEntry } from "../tlog/identity.ts";
import { homeRoots } from "../trust-roots.ts";
import { checkPushIdentity } from "./push-identity.ts";
import { ingestProvenance } from "./ingest-provenance.ts";
import { SLSA_PROVENANCE_V1 } from "../../slsa/provenance.ts";
import { storedBodyDigest } from "../contracts.ts";
import { envelopeSignature, hasLogEntry, logPushedBundle, type LogSignature } from "./push-log.ts";
import type { Scope } from "../../store/ports.ts";
import type { RunView } from "../../store/run-port.ts";
import { recordAttestation, runClosedReason } from "../crafting/record.ts";
import { pushReferrers, type ReferrerPush } from "../crafting/push-referrers.ts";
import type { ServiceDeps } from "../deps.ts";
import { expireOverdueRuns } from "./expiry.ts";
import { isAttested } from "./runs.ts";
import { checkStatement, uploadedDigests, type CheckedStatement, type PredicateMetadata } from "./ingest-statement.ts";
import { verificationKeys } from "./org-keys.ts";

const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

export interface IngestOptions {
  /** An API token's scope: a run outside it is treated as unknown, as everything out of scope is. */
  scope?: Scope;
  /** The server's OIDC issuer (its public URL): a certificate-signed push must name the run's workflow under it. */
  issuer?: string;
  /** The server's transparency log: a bundle without an entry of it is logged, and stored with the entry. */
  log?: LogSignature;
}

export interface IngestResult {
  /** sha256 of the stored bytes: those received, or with the server's log entry added (then in `bundle`). */
  digest: string;
  /** The stored bundle (base64) when it differs from the one received: the server logged it. */
  bundle?: string;
  runId: string;
  workflow: string;
  project: string;
  /** False when the identical bundle was already stored for this run (an idempotent re-push). */
  created: boolean;
  /** Where the bundle was also pushed as a referrer of its container images (OCI default CAS backend). */
  referrers?: ReferrerPush[];
  /** Who signed it: an organization key, or a certificate identity from a root the server's home trusts. */
  signer: Signer;
}

const V03_MEDIA_TYPES = ["application/vnd.dev.sigstore.bundle.v0.3+json", "application/vnd.dev.sigstore.bundle+json;version=0.3"];

/**
 * Verifies a pushed Sigstore bundle and stores it as local push does: a v0.3 key-signed DSSE bundle, signed by a
 * live key of the organization, holding a cairn statement whose run is initialized in this organization and whose
 * uploaded materials are all in the CAS. Refusals leave the store untouched.
 */
export async function ingestBundle(deps: ServiceDeps, bytes: Uint8Array, opts: IngestOptions = {}): Promise<IngestResult> {
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  const signed = await verifySignature(deps, bytes, opts.log === undefined);
  const provenance = slsaProvenance(signed.payloadType, signed.payload);
  if (provenance) return await ingestProvenance(deps, bytes, { ...signed, statement: provenance }, opts);
  const checked = checkStatement(signed.payloadType, signed.payload);
  const runId = pushedRunId(checked.metadata);
  await expireOverdueRuns(deps); // a run left initialized past the TTL is expired now, and refused below
  const run = await findRun(deps, runId, opts);
  const result = { digest, runId, workflow: run.workflow, project: run.project, signer: signed.signer };
  if (isAttested(run.state) && run.attestationDigest === digest) return { ...result, created: false };
  const again = await loggedRepush(deps, run, signed.json, opts);
  if (again) return { ...result, ...again, created: false };
  assertOpen(run, digest);
  checkPushIdentity(signed.signer, run, deps.config.organization, opts.issuer);
  await checkMetadata(deps, checked.metadata, run);
  await assertMaterialsStored(deps, checked, run, opts.scope);
  const logged = opts.log && !hasLogEntry(signed.json) ? await logPushedBundle(signed.json, signed.key, opts.log) : undefined;
  const stored = logged ?? bytes;
  const answer = logged ? { ...result, digest: `sha256:${createHash("sha256").update(logged).digest("hex")}`, bundle: Buffer.from(logged).toString("base64") } : result;
  try {
    await store(deps, checked, stored, run);
  } catch (e) {
    // A concurrent push of the same bundle won the transaction: that is the idempotent case, not a failure.
    if ((await deps.repo.getRun(runId))?.attestationDigest === answer.digest) return { ...answer, created: false };
    throw e;
  }
  // Stored: from here on a registry failure only warns (push-referrers.ts), as it does for a local push.
  const referrers = await pushReferrers(deps, { statement: checked.statement, bundle: stored, now: deps.clock.now().toISOString(), digest: answer.digest });
  return { ...answer, created: true, ...(referrers.length > 0 && { referrers }) };
}

/** The statement when the payload is an in-toto statement of SLSA provenance (it accompanies a stored attestation). */
function slsaProvenance(payloadType: string, payload: Uint8Array): unknown {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return undefined;
  let st: unknown;
  try {
    st = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return undefined; // checkStatement names the problem
  }
  return (st as { predicateType?: unknown })?.predicateType === SLSA_PROVENANCE_V1 ? st : undefined;
}

interface SignedPush {
  payload: Uint8Array;
  payloadType: string;
  signer: Signer;
  /** The organization key that verified a key-signed bundle. */
  key?: KeyObject;
  /** The bundle as parsed (once): the server's log entry is added to it. */
  json: Record<string, unknown>;
}

/**
 * A v0.3 DSSE bundle, key-signed (the key the hint names when registered, else every live key: the hint is
 * unauthenticated) or certificate-signed by a CA of a root the server's home trusts (its own CA and added roots, not
 * the public-good root). Which certificate identities may push to which run is decided by the caller.
 */
async function verifySignature(deps: ServiceDeps, bytes: Uint8Array, entryRequired: boolean): Promise<SignedPush> {
  const json = parseJsonObject(bytes, "the pushed bundle");
  const bundle = parseBundle(json);
  if (!V03_MEDIA_TYPES.includes(bundle.mediaType)) verifyFailed(`bundle media type is ${bundle.mediaType}, expected ${V03_MEDIA_TYPES[0]}`);
  if (bundle.content.$case !== "dsseEnvelope") verifyFailed("the pushed bundle holds a message signature, not a DSSE attestation");
  const material = bundle.verificationMaterial.content;
  const roots = homeRoots(deps.config.home, { publicGood: false });
  // A home with a transparency log takes only pushes on its record: an entry the bundle carries is always verified;
  // without one, the caller must log it (the server does, on push) or the push is refused.
  const requireTlog = entryRequired && servedLogRootEntry(deps.config.home) !== undefined;
  const tlogOptional = !entryRequired;
  if (material.$case !== "publicKey") {
    const v = verifyBundle(bytes, { keys: [], roots, requireTlog, tlogOptional });
    return { payload: v.payload!, payloadType: v.payloadType!, signer: v.signer, json };
  }
  const hint = material.publicKey.hint;
  const keys = await verificationKeys(deps);
  const hinted = keys.filter((k) => k.keyId === hint);
  const org = deps.config.organization;
  try {
    const candidates = (hinted.length > 0 ? hinted : keys).map((k) => k.key);
    const v = verifyBundle(bytes, { keys: candidates, roots, requireTlog, tlogOptional });
    const signerKey = v.signer.kind === "key" ? v.signer.keyId : undefined;
    const key = signerKey ? candidates.find((k) => keyId(k) === signerKey) : undefined;
    return { payload: v.payload!, payloadType: v.payloadType!, signer: v.signer, json, ...(key && { key }) };
  } catch (e) {
    if (!(e instanceof CairnError) || !/^signature mismatch|no public key was given/.test(e.message)) throw e;
  }
  if (hinted.length > 0) {
    verifyFailed(`the bundle signature does not verify with key ${hinted[0]!.name} of organization ${org}: the payload or signature was altered`);
  }
  return verifyFailed(
    `the bundle is signed by a key not registered in organization ${org}${hint ? ` (key id ${hint})` : ""}, or was altered after signing`,
    "register the signer's public key with `cairn org key add --name NAME --key cosign.pub`",
  );
}

function pushedRunId(m: PredicateMetadata): string {
  if (m.dryRun) verifyFailed("the attestation is a dry run (predicate.metadata.dryRun is true); dry runs are never stored", "init without --dry-run to push");
  if (!m.workflowRunID) verifyFailed("predicate.metadata.workflowRunID is missing: the attestation names no workflow run");
  return m.workflowRunID;
}

/** The run in this organization (and the token's scope); anything else is NOT_FOUND, whether or not it exists elsewhere. */
async function findRun(deps: ServiceDeps, runId: string, opts: IngestOptions): Promise<RunView> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const run = org && await deps.runs.get(org.id, runId, opts.scope);
  if (!run) {
    throw new CairnError("NOT_FOUND", `workflow run ${runId} (predicate.metadata.workflowRunID) does not exist in organization ${deps.config.organization}`, {
      hint: "push to the control plane the run was initialized on, with a token of its organization",
    });
  }
  return run;
}

/**
 * A re-push of a bundle the server stored with its own log entry added (the client's first push was cut off before
 * it saved the answer): the same envelope signature is the same push, answered with the stored bundle.
 */
async function loggedRepush(deps: ServiceDeps, run: RunView, pushed: Record<string, unknown>, opts: IngestOptions): Promise<{ digest: string; bundle: string } | undefined> {
  if (!opts.log || !isAttested(run.state) || !run.attestationDigest || hasLogEntry(pushed)) return undefined;
  const stored = await deps.blobs.read(run.attestationDigest);
  if (envelopeSignature(JSON.parse(new TextDecoder().decode(stored))) !== envelopeSignature(pushed)) return undefined;
  return { digest: run.attestationDigest, bundle: Buffer.from(stored).toString("base64") };
}

/** The shared rule of local push: only an initialized run takes an attestation, once. */
function assertOpen(run: RunView, digest: string): void {
  const closed = runClosedReason(run);
  if (!closed) return;
  const other = run.attestationDigest && run.attestationDigest !== digest ? ` with attestation ${run.attestationDigest}` : "";
  throw new CairnError("STATE_INVALID", `workflow run ${run.id} ${closed}${other}`, {
    hint: run.state === "expired" ? "start a new run with `cairn attestation init` and add the materials again" : "a run takes one attestation; start a new run with `cairn attestation init`",
    details: { state: run.state, ...(run.attestationDigest ? { attestation: run.attestationDigest } : {}) },
  });
}

/** The signed metadata must describe the run it claims (so the referrer graph and listings agree with the store). */
async function checkMetadata(deps: ServiceDeps, m: PredicateMetadata, run: RunView): Promise<void> {
  const expected: [keyof PredicateMetadata, unknown][] = [
    ["workflowID", run.workflowId],
    ["workflowName", run.workflow],
    ["project", run.project],
    ["organization", deps.config.organization],
    ["contractRevision", run.contractRevisionUsed],
  ];
  for (const [field, want] of expected) {
    if (m[field] !== want) verifyFailed(`predicate.metadata.${field} is ${JSON.stringify(m[field])}, but workflow run ${run.id} has ${JSON.stringify(want)}`);
  }
  // A statement from before contractDigest binds no body; one that carries it must name the revision in force.
  if (m.contractDigest === undefined) return;
  const actual = await storedBodyDigest(deps, run.orgId, run.contractName, run.contractRevisionUsed);
  if (actual !== m.contractDigest) {
    verifyFailed(`predicate.metadata.contractDigest is ${JSON.stringify(m.contractDigest)}, but revision ${run.contractRevisionUsed} of contract ${run.contractName}, which workflow run ${run.id} uses, ${actual ? `hashes to ${actual}` : "is not stored"}`);
  }
}

/**
 * A material marked as uploaded must have been uploaded through the pushing token's scope (a CAS mapping): bytes
 * that merely exist, uploaded by another organization or outside the scope, are refused with the same message as
 * absent ones. Then the bytes must still be there.
 */
async function assertMaterialsStored(deps: ServiceDeps, checked: CheckedStatement, run: RunView, scope?: Scope): Promise<void> {
  const digests = uploadedDigests(checked.materials);
  const foreign: string[] = [];
  for (const d of digests) if (!(await deps.casMappings.holds(run.orgId, d, scope))) foreign.push(d);
  if (foreign.length > 0) {
    const many = foreign.length > 1;
    throw new CairnError("VERIFY_FAILED", `material${many ? "s" : ""} marked as uploaded ${many ? "were" : "was"} not uploaded to this organization${scope ? " within this token's scope" : ""}: ${foreign.join(", ")}`, {
      hint: "upload them with this token first (`cairn artifact upload FILE --control-plane URL --token TOKEN`, or add them with `cairn attestation add` against this control plane), then push again",
      details: { missing: foreign },
    });
  }
  const present = await Promise.all(digests.map((d) => deps.blobs.has(d)));
  const missing = digests.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new CairnError("VERIFY_FAILED", `material${missing.length > 1 ? "s" : ""} marked as uploaded ${missing.length > 1 ? "are" : "is"} not in the CAS: ${missing.join(", ")}`, {
      hint: "upload the material blobs first (`cairn artifact upload`), then push again",
      details: { missing },
    });
  }
}

function store(deps: ServiceDeps, checked: CheckedStatement, bytes: Uint8Array, run: RunView): Promise<unknown> {
  const m = checked.metadata;
  return recordAttestation(deps, {
    statement: checked.statement,
    bundle: bytes,
    runId: run.id,
    workflowId: run.workflowId,
    meta: {
      workflow: run.workflow,
      project: run.project,
      projectVersion: m.projectVersion,
      team: m.team,
      organization: deps.config.organization,
      contractName: m.contractName,
      contractRevision: run.contractRevisionUsed,
    },
    // The statement says `projectVersionPrerelease: false` when the push releases the version (init --release).
    releaseVersionId: run.projectVersionId && m.projectVersionPrerelease === false ? run.projectVersionId : undefined,
    now: deps.clock.now().toISOString(),
  });
}
