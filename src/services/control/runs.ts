import { POLICY_VERDICTS, type PolicyVerdict } from "../../crafter/policy/status.ts";
import { runProvenance } from "../crafting/record-provenance.ts";
import { CairnError } from "../../errors.ts";
import type { RunState, Scope } from "../../store/ports.ts";
import type { RunView } from "../../store/run-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";
import { expireOverdueRuns } from "./expiry.ts";
import { parseStoredJson, storedEnvelope } from "../stored-bundle.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import type { CheckedTimestamp, Signer } from "../../trust/verifier.ts";

export const RUN_STATES: readonly RunState[] = ["initialized", "succeeded", "blocked", "failed", "cancelled", "expired"];

/** The states of a run with an attestation: `blocked` is stored like `succeeded`, with a violated policy gate. */
export function isAttested(state: string): boolean {
  return state === "succeeded" || state === "blocked";
}

/**
 * A run's policy status as lists show it: the stored verdict of its attestation; `unknown` for an attestation
 * recorded before cairn stored verdicts (migration 011: the verdict is only in the statement); null without one.
 */
export type RunPolicyStatus = PolicyVerdict | "unknown";

/** A run as `workflow run list/describe` show it (JSON-serializable, as `cairn serve` returns it). */
export interface RunSummary {
  id: string;
  workflow: string;
  workflowId: string;
  project: string;
  contractName: string;
  state: RunState;
  reason: string | null;
  runnerType: string;
  runnerUrl: string | null;
  contractRevisionUsed: number;
  contractRevisionLatest: number;
  attestationDigest: string | null;
  policyStatus: RunPolicyStatus | null;
  /** Who pushed the attestation: `token:<name>` through `cairn serve`, `local`; null without one (or before 011). */
  pushedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface RunListInput {
  workflow?: string;
  project?: string;
  status?: string;
  /** One of POLICY_VERDICTS: only attested runs with that stored verdict. */
  policyStatus?: string;
  limit?: number;
  next?: string;
  /** An API token's scope (`cairn serve`). */
  scope?: Scope;
}

/** The organization the CLI works in (CAIRN_ORG, default "default"); undefined before anything was stored. */
export async function currentOrgId(deps: ServiceDeps): Promise<string | undefined> {
  return (await deps.repo.findOrg(deps.config.organization))?.id;
}

export function toSummary(r: RunView): RunSummary {
  const { orgId: _org, ...rest } = r;
  return { ...rest, policyStatus: runPolicyStatus(r) };
}

/** The stored verdict; `unknown` for an attested run recorded before verdicts were stored; null without an attestation. */
export function runPolicyStatus(r: Pick<RunView, "policyStatus" | "attestationDigest">): RunPolicyStatus | null {
  return r.policyStatus ?? (r.attestationDigest ? "unknown" : null);
}

/** `workflow run list`: newest first, keyset-paginated on (created_at DESC, id); stale runs are expired first. */
export async function listRuns(deps: ServiceDeps, input: RunListInput): Promise<Page<RunSummary>> {
  const state = input.status === undefined ? undefined : parseState(input.status);
  const policyStatus = input.policyStatus === undefined ? undefined : parsePolicyStatus(input.policyStatus);
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const after = input.next === undefined ? undefined : runCursor(input.next);
  await expireOverdueRuns(deps);
  const orgId = await currentOrgId(deps);
  if (!orgId) return { items: [] };
  const rows = await deps.runs.list({ orgId, workflow: input.workflow, project: input.project, state, policyStatus, scope: input.scope, limit: limit + 1, after });
  return toPage(rows.map(toSummary), limit, (r) => [r.createdAt, r.id]);
}

function parseState(status: string): RunState {
  if (!(RUN_STATES as readonly string[]).includes(status)) {
    throw new CairnError("USAGE", `--status ${JSON.stringify(status)} is not a run state`, { hint: `use one of ${RUN_STATES.join(", ")}` });
  }
  return status as RunState;
}

function parsePolicyStatus(value: string): PolicyVerdict {
  if (!(POLICY_VERDICTS as readonly string[]).includes(value)) {
    throw new CairnError("USAGE", `--policy-status ${JSON.stringify(value)} is not a policy status`, { hint: `use one of ${POLICY_VERDICTS.join(", ")}` });
  }
  return value as PolicyVerdict;
}

function runCursor(next: string): { createdAt: string; id: string } {
  const key = decodeCursor(next);
  const [createdAt, id] = key;
  if (key.length !== 2 || typeof createdAt !== "string" || typeof id !== "string") {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`workflow run list\``, {
      hint: "pass the value printed as `next` by the previous page",
    });
  }
  return { createdAt, id };
}

/** Which run to describe: by id, or by the digest of its attestation. */
export interface RunRef {
  id?: string;
  digest?: string;
  /** An API token's scope (`cairn serve`): a run outside it is NOT_FOUND, exactly as an absent one. */
  scope?: Scope;
}

/** A material of the attestation, read from the statement. */
export interface MaterialView {
  name: string;
  kind: string;
  /** The file name or reference recorded (for STRING materials, the decoded value). */
  value: string;
  digest: string;
  annotations: Record<string, string>;
}

export interface RunDetail {
  run: RunSummary;
  attestation?: {
    digest: string;
    payloadType: string;
    predicateType: string;
    statement: unknown;
    subjects: { name?: string; digest: Record<string, string> }[];
    materials: MaterialView[];
  };
  /** The SLSA provenance stored beside the attestation (docs/slsa.md), when the push signed one. */
  provenance?: { digest: string; createdAt: string };
  verification?: RunVerification;
}

/** A verified signature: who signed (and, for a key, its id, as before certificates were verified) and when. */
export interface RunVerification {
  verified: true;
  signer: Signer;
  keyId?: string;
  timestamps: CheckedTimestamp[];
}

/** The stored attestation of a run, as bytes (for `-o attestation|payload-pae`) and decoded. */
export interface RunAttestation {
  run: RunSummary;
  digest: string;
  bundle: Uint8Array;
  payloadType: string;
  payload: Uint8Array;
  verification?: RunVerification;
}

/** The attestation bundle verified under `trust` (VERIFY_FAILED otherwise). */
export async function verifyRunBundle(bundle: Uint8Array, trust: TrustPolicy): Promise<RunVerification> {
  const { verifyBundle } = await import("../../trust/verifier.ts"); // sigstore libraries: loaded only to verify
  const v = verifyBundle(bundle, trust);
  return { verified: true, signer: v.signer, ...(v.signer.kind === "key" && { keyId: v.signer.keyId }), timestamps: v.timestamps };
}

/** Finds the run (expiring stale runs first); throws NOT_FOUND or USAGE. */
export async function findRun(deps: ServiceDeps, ref: RunRef): Promise<RunSummary> {
  if ((ref.id === undefined) === (ref.digest === undefined)) {
    throw new CairnError("USAGE", "pass exactly one of --id and --digest", { hint: "e.g. `cairn workflow run describe --id <run id>`" });
  }
  if (ref.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(ref.digest)) {
    throw new CairnError("USAGE", `--digest ${JSON.stringify(ref.digest)} is not a sha256 digest`, { hint: "write sha256:<64 lowercase hex>" });
  }
  await expireOverdueRuns(deps);
  const orgId = await currentOrgId(deps);
  const run = orgId && (ref.id !== undefined ? await deps.runs.get(orgId, ref.id, ref.scope) : (await deps.runs.byAttestation(orgId, [ref.digest!], ref.scope))[0]);
  if (!run) {
    const org = deps.config.organization;
    const message = ref.id !== undefined ? `workflow run ${ref.id} does not exist in organization ${org}` : `no workflow run in organization ${org} has attestation ${ref.digest}`;
    throw new CairnError("NOT_FOUND", message, { hint: "list runs with `cairn workflow run list`" });
  }
  return toSummary(run);
}

/**
 * The run's attestation bundle from the CAS (its digest re-checked by the read), and, given a trust policy, its
 * signature verified (VERIFY_FAILED otherwise).
 */
export async function runAttestation(deps: ServiceDeps, ref: RunRef, trust?: TrustPolicy): Promise<RunAttestation> {
  const run = await findRun(deps, ref);
  if (!run.attestationDigest) {
    throw new CairnError("NOT_FOUND", `workflow run ${run.id} has no attestation (it is ${run.state})`, {
      hint: "only succeeded and blocked runs have one; push the attestation first",
    });
  }
  const digest = run.attestationDigest;
  const bundle = await deps.blobs.read(digest);
  const { payloadType, payload } = storedEnvelope(bundle, digest);
  let verification: RunAttestation["verification"];
  if (trust) {
    verification = await verifyRunBundle(bundle, trust);
    (await import("./run-binding.ts")).assertRunStatement(run, digest, payloadType, payload); // loads the schema validator
  }
  return { run, digest, bundle, payloadType, payload, verification };
}

/** `workflow run describe`: the run, and when it has one, its attestation's statement, subjects and materials. */
export async function describeRun(deps: ServiceDeps, ref: RunRef, trust?: TrustPolicy): Promise<RunDetail> {
  const run = await findRun(deps, ref);
  if (!run.attestationDigest) {
    if (trust) await runAttestation(deps, { id: run.id }, trust); // throws: nothing to verify
    return { run };
  }
  const a = await runAttestation(deps, { id: run.id }, trust);
  const statement = parseStoredJson(a.payload, a.digest) as StatementShape;
  const provenance = await runProvenance(deps, run.id);
  return {
    run,
    attestation: {
      digest: a.digest,
      payloadType: a.payloadType,
      predicateType: String(statement.predicateType ?? ""),
      statement,
      subjects: (statement.subject ?? []).map((s) => ({ name: s.name, digest: s.digest ?? {} })),
      materials: (statement.predicate?.materials ?? []).map(materialView),
    },
    ...(provenance && { provenance: { digest: provenance.digest, createdAt: provenance.createdAt } }),
    ...(a.verification ? { verification: a.verification } : {}),
  };
}

/** The materials recorded in a stored attestation bundle (the compliance view reads many without describing runs). */
export function bundleMaterials(bundle: Uint8Array, digest: string): MaterialView[] {
  const statement = parseStoredJson(storedEnvelope(bundle, digest).payload, digest) as StatementShape;
  return (statement.predicate?.materials ?? []).map(materialView);
}

interface Descriptor {
  name?: string;
  digest?: Record<string, string>;
  content?: string;
  annotations?: Record<string, string>;
}
interface StatementShape {
  predicateType?: unknown;
  subject?: Descriptor[];
  predicate?: { materials?: Descriptor[] };
}

const ANN = "cairn.material";

function materialView(m: Descriptor): MaterialView {
  const { [`${ANN}.name`]: name = "", [`${ANN}.type`]: kind = "", ...annotations } = m.annotations ?? {};
  const value = m.content !== undefined ? Buffer.from(m.content, "base64").toString("utf8") : (m.name ?? "");
  const [algo, hex] = Object.entries(m.digest ?? {})[0] ?? ["", ""];
  return { name, kind, value, digest: algo ? `${algo}:${hex}` : "", annotations };
}
