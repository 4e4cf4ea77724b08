import type { SigningMethod } from "../../signing/sign.ts";
import { certificateSan } from "../../trust/identity.ts";
import { CairnError } from "../../errors.ts";
import { buildStatement, serializeStatement, type RenderOptions, type Statement } from "../../crafter/statement.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import { mergeAnnotations, missingMaterials } from "../../crafter/state/transitions.ts";
import { writeFileAtomic } from "../atomic-file.ts";
import type { ServiceDeps } from "../deps.ts";
import type { CraftingDeps } from "./crafting-deps.ts";
import { assertUploaded, readState, repeatedPush, retire } from "./push-repeat.ts";
import { expireOverdueRuns } from "../control/expiry.ts";
import { isAttested } from "../control/runs.ts";
import { recordAttestation, runClosedReason } from "./record.ts";
import { enforceGate } from "./gate.ts";
import { evaluateAttestationPolicies } from "./policies.ts";
import { pushReferrers, type ReferrerPush } from "./push-referrers.ts";
import { evidenceTag } from "../../store/oci/oci-blob-store.ts";
import { storedStatement } from "../stored-bundle.ts";
import { checkProvenanceChoice, pushProvenance, type ProvenanceChoice, type ProvenanceResult, type ProvenanceTarget } from "./push-provenance.ts";
import { recordProvenance, runProvenance } from "./record-provenance.ts";

export interface PushInput {
  /** Loads the signing key or the keyless authorities; called only once the attestation is known to be complete. */
  loadSigning: (state: CraftingState) => Promise<SigningMethod>;
  /** How it signs, for the result: `key (--key)`, `keyless (certificate from …)`. */
  signing?: string;
  annotations: Record<string, string>;
  bundlePath?: string;
  /** `--exception-bypass-policy-check`: a violated gate is recorded as bypassed and only warned about. */
  bypassPolicyCheck?: boolean;
  /** SLSA provenance beside the attestation (push-provenance.ts); on unless `--provenance none`. */
  provenance?: ProvenanceChoice;
  /** Called with the result before the policy gate may raise POLICY_GATE: a blocked push is reported too (CI summary). */
  onPushed?: (result: PushResult, state: CraftingState) => void;
}

export interface PushResult {
  digest: string;
  dryRun: boolean;
  runId?: string;
  statement: Statement;
  bundlePath?: string;
  /** Where the bundle is stored: the local CAS file, or its URL on the control plane (not in dry-run). */
  storedAt?: string;
  /** Where the bundle was also pushed as a referrer of container images (OCI default CAS backend; push-referrers.ts). */
  referrers?: ReferrerPush[];
  /** How the bundle was signed; for keyless, the identity its certificate names; its transparency-log index. */
  signing?: { method: string; identity?: string; logIndex?: number };
  /** The SLSA provenance signed and stored beside it (absent: off, or no output materials). */
  provenance?: ProvenanceResult;
  /** The run's page on the control plane's web view, when the server names it. */
  runUrl?: string;
}

/** A signed attestation, ready to be stored. */
export interface SignedPush {
  state: CraftingState;
  statement: Statement;
  bundle: Uint8Array;
  now: string;
}

/** Where a push stores the attestation: the local store (below) or a `cairn serve` (src/remote/http-crafting.ts). */
export interface PushTarget {
  /** Before signing: the result of an earlier push of this run that was cut off after storing, or a refusal. */
  before?(state: CraftingState, bundlePath?: string): Promise<PushResult | undefined>;
  /** `bundle`: what was stored, when the target changed it (a server adds its transparency-log entry). */
  record(p: SignedPush): Promise<{ storedAt?: string; referrers?: ReferrerPush[]; bundle?: Uint8Array; runUrl?: string }>;
  /** Where the SLSA provenance goes; absent: it is only signed (and written with --provenance-bundle). */
  provenance?: ProvenanceTarget;
  /** The control plane's URL when the target is one: the provenance's builder. */
  controlPlane?: string;
}

/**
 * `attestation push`: checks completeness, renders and signs the statement, stores the bundle in the CAS and the
 * attestation + finished run in one transaction, writes --bundle, then clears the state. Killed at any point before
 * the transaction commits, the run stays initialized and the state stays, so the push can simply be repeated.
 * A violated policy gate raises POLICY_GATE (exit 4) only after all that (gate.ts): the attestation is kept, marked blocked.
 */
export function pushAttestation(deps: ServiceDeps, input: PushInput): Promise<PushResult> {
  return pushWith(deps, localPushTarget(deps), input);
}

/** The push steps of the CI machine, whatever stores the result: completeness, signing, --bundle, clearing the state. */
export async function pushWith(deps: CraftingDeps, target: PushTarget, input: PushInput): Promise<PushResult> {
  const state = await readState(deps);
  if ("receipt" in state) return repeatedPush(deps, state.receipt, input.bundlePath);
  const missing = missingMaterials(state);
  if (missing.materials.length + missing.groups.length > 0) {
    const parts = [
      ...(missing.materials.length ? [`material${missing.materials.length > 1 ? "s" : ""} ${missing.materials.join(", ")}`] : []),
      ...missing.groups.map((g) => `one material of group ${g}`),
    ];
    throw new CairnError("MATERIALS_MISSING", `the contract still requires ${parts.join(" and ")}`, {
      hint: "add them with `cairn attestation add --name NAME --value VALUE`, then push again",
      details: missing,
    });
  }
  const annotations = mergeAnnotations("the attestation", state.contract.annotations, input.annotations);
  const choice = input.provenance ?? { enabled: true };
  checkProvenanceChoice(state, choice);
  let loaded: Promise<SigningMethod> | undefined;
  const method = () => (loaded ??= input.loadSigning(state));
  const provenanceOf = (attestationDigest: string, attestation: Statement) =>
    pushProvenance(deps, { state, attestationDigest, attestation, method, choice, ...(target.provenance && { target: target.provenance }), ...(target.controlPlane && { controlPlane: target.controlPlane }) });
  if (!state.dryRun) {
    const done = await target.before?.(state, input.bundlePath);
    if (done) {
      // Cut off after the attestation was stored: its provenance is stored now if it was not yet.
      const provenance = await provenanceOf(done.digest, done.statement);
      await retire(deps, { runId: done.runId ?? state.workflow.runId!, digest: done.digest, pushedAt: deps.clock.now().toISOString(), ...(done.storedAt && { storedAt: done.storedAt }) });
      const result = { ...done, ...(provenance && { provenance }) };
      input.onPushed?.(result, state);
      enforceGate(deps.reporter, result);
      return result;
    }
  }
  const now = deps.clock.now().toISOString();
  const statement = await renderWithPolicies(deps, state, { finishedAt: now, builderVersion: deps.version, annotations, bypassPolicyCheck: input.bypassPolicyCheck });
  // Loaded on demand: the sigstore libraries cost ~30 ms of start-up that init/add/status should not pay.
  const { signStatement } = await import("../../signing/sign.ts");
  const signedBundle = await signStatement(serializeStatement(statement), await method());
  const stored = state.dryRun ? undefined : await target.record({ state, statement, bundle: signedBundle, now });
  const bundle = stored?.bundle ?? signedBundle;
  const signing = input.signing ? { method: input.signing, ...signedFacts(bundle) } : undefined;
  const digest = `sha256:${new Bun.CryptoHasher("sha256").update(bundle).digest("hex")}`;
  const storedAt = stored?.storedAt;
  if (input.bundlePath) writeFileAtomic(input.bundlePath, bundle, 0o600);
  const provenance = await provenanceOf(digest, statement);
  if (state.dryRun) await deps.state.remove();
  else await retire(deps, { runId: state.workflow.runId!, digest, pushedAt: now, ...(storedAt && { storedAt }) });
  const result = {
    digest, dryRun: state.dryRun, runId: state.workflow.runId, statement, bundlePath: input.bundlePath, storedAt,
    ...(stored?.referrers?.length && { referrers: stored.referrers }), ...(signing && { signing }), ...(provenance && { provenance }),
    ...(stored?.runUrl && { runUrl: stored.runUrl }),
  };
  input.onPushed?.(result, state);
  enforceGate(deps.reporter, result);
  return result;
}

/** What the signed bundle says of its signing: the identity its certificate names (keyless), its log index. */
function signedFacts(bundle: Uint8Array): { identity?: string; logIndex?: number } {
  const b = JSON.parse(new TextDecoder().decode(bundle)) as { verificationMaterial?: { certificate?: { rawBytes?: string }; tlogEntries?: { logIndex?: string }[] } };
  const raw = b.verificationMaterial?.certificate?.rawBytes;
  const identity = raw ? certificateSan(Buffer.from(raw, "base64")) : undefined;
  const index = b.verificationMaterial?.tlogEntries?.[0]?.logIndex;
  return { ...(identity && { identity }), ...(index !== undefined && { logIndex: Number(index) }) };
}

/** The statement with the attestation policies' verdicts: they run on the statement rendered without them. */
async function renderWithPolicies(deps: CraftingDeps, state: CraftingState, opts: RenderOptions): Promise<Statement> {
  const first = buildStatement(state, opts);
  const verdicts = await evaluateAttestationPolicies(deps, state.contract, state.workflow.contractName, first);
  if (verdicts.length === 0) return first;
  return buildStatement({ ...state, policyEvaluations: [...(state.policyEvaluations ?? []), ...verdicts] }, opts);
}

/** The local store: the attestation and the finished run in one transaction (record.ts). */
export function localPushTarget(deps: ServiceDeps): PushTarget {
  return {
    before: async (state, bundlePath) => {
      await expireOverdueRuns(deps); // a run left initialized past the TTL is expired now, and refused below
      const done = await alreadyPushed(deps, state.workflow.runId!, bundlePath);
      // A server checks what is cited as uploaded itself (and names the organization); the local store is checked here.
      if (!done) await assertUploaded(deps, state);
      return done;
    },
    record: async ({ state, statement, bundle, now }) => {
      const version = state.workflow.projectVersion;
      const ref = await recordAttestation(deps, {
        statement,
        bundle,
        runId: state.workflow.runId!,
        workflowId: state.workflow.workflowId!,
        meta: {
          workflow: state.workflow.name,
          project: state.workflow.project,
          projectVersion: version?.version,
          team: state.workflow.team,
          organization: state.workflow.organization,
          contractName: state.workflow.contractName,
          contractRevision: state.workflow.contractRevision,
        },
        releaseVersionId: version?.markAsReleased && version.id ? version.id : undefined,
        now,
      });
      // Stored: from here on a registry failure only warns (push-referrers.ts).
      const referrers = await pushReferrers(deps, { statement, bundle, now, digest: ref.digest });
      return { storedAt: await storedAt(deps, ref.digest), referrers };
    },
    provenance: {
      stored: async (runId) => {
        const a = await runProvenance(deps, runId);
        return a && { digest: a.digest, bundle: await deps.blobs.read(a.digest), storedAt: await storedAt(deps, a.digest) };
      },
      record: async ({ state, statement, bundle, attestationDigest, attestation, now }) => {
        const ref = await recordProvenance(deps, { statement, bundle, runId: state.workflow.runId!, attestationDigest, attestation, now });
        const referrers = await pushReferrers(deps, { statement: attestation, bundle, now, digest: ref.digest, predicateType: statement.predicateType });
        return { storedAt: await storedAt(deps, ref.digest), referrers };
      },
    },
  };
}

/**
 * A push killed after its transaction committed but before the state was cleared left a finished run behind:
 * repeating the push then reports the stored attestation instead of signing a second one.
 */
async function alreadyPushed(deps: ServiceDeps, runId: string, bundlePath?: string): Promise<PushResult | undefined> {
  const run = await deps.repo.getRun(runId);
  if (run && isAttested(run.state) && run.attestationDigest) {
    const bundle = await deps.blobs.read(run.attestationDigest);
    const statement = storedStatement(bundle, run.attestationDigest);
    if (bundlePath) writeFileAtomic(bundlePath, bundle, 0o600);
    return { digest: run.attestationDigest, dryRun: false, runId, statement, bundlePath, storedAt: await storedAt(deps, run.attestationDigest) };
  }
  await assertRunOpen(deps, runId);
  return undefined;
}

async function assertRunOpen(deps: ServiceDeps, runId: string): Promise<void> {
  const run = await deps.repo.getRun(runId);
  if (!run) {
    throw new CairnError("STATE_INVALID", `workflow run ${runId} is not in the store at ${deps.config.home}`, {
      hint: "the state was created against another CAIRN_HOME; use the same --home, or init again with --replace",
    });
  }
  const closed = runClosedReason(run);
  if (closed) {
    throw new CairnError("STATE_INVALID", `workflow run ${runId} ${closed}`, {
      hint:
        run.state === "expired"
          ? "start again with `cairn attestation init --replace` and add the materials again (CAIRN_RUN_TTL sets the TTL)"
          : "start a new attestation with `cairn attestation init --replace`",
    });
  }
}

/** The local CAS file, or with an OCI default CAS backend the registry tag holding the bundle. */
async function storedAt(deps: ServiceDeps, digest: string): Promise<string | undefined> {
  const local = deps.blobs.pathFor?.(digest);
  if (local) return local;
  const backend = await deps.casBackends.findDefault();
  if (!backend) return undefined;
  // Where the backend keeps it: an S3 object key (s3-blob-store.ts keyFor), an OCI evidence tag.
  return backend.provider === "s3" ? `${backend.location}/sha256/${digest.slice("sha256:".length)}` : `${backend.location}:${evidenceTag(digest)}`;
}
