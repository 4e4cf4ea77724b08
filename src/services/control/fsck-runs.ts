// `store fsck`'s checks of the SQLite control plane itself: SQLite's own integrity check, and every attested run row
// against the signed statement its attestation digest points at (run-binding.ts), and the contract revision body the
// statement's contractDigest names. Blob and signature problems are fsck.ts's: a bundle it found damaged or missing is
// skipped here, so one fault is reported once.
import { storedBodyDigest } from "../contracts.ts";
import { isCairnError } from "../../errors.ts";
import type { AttestedRunRow } from "../../store/org-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { storedEnvelope } from "../stored-bundle.ts";
import { checkStatement, type CheckedStatement } from "./ingest-statement.ts";
import { runStatementMismatch } from "./run-binding.ts";

export type RunCheckProblem =
  /** `PRAGMA integrity_check` found the database file damaged. */
  | { kind: "db-integrity"; digest: "-"; messages: string[] }
  /** A run row disagrees with its signed statement (a swapped digest, a flipped state, a moved run). */
  | { kind: "run-mismatch"; digest: string; runId: string; reason: string }
  /** The stored body of the revision a run used does not hash to the statement's contractDigest. */
  | { kind: "contract-mismatch"; digest: string; runId: string; reason: string };

export interface RunCheckResult {
  problems: RunCheckProblem[];
  /** Attested run rows compared with their statements. */
  runsChecked: number;
  /** Of those, runs whose statement predates contractDigest (schema revision 2): their contract body is not bound. */
  contractUnbound: number;
}

/** Runs the checks; `skip` holds digests fsck already reported as damaged or missing. */
export async function checkStoreRuns(deps: ServiceDeps, skip: Set<string>): Promise<RunCheckResult> {
  const out: RunCheckResult = { problems: [], runsChecked: 0, contractUnbound: 0 };
  const messages = await deps.orgs.integrityCheck();
  if (messages.length > 0) out.problems.push({ kind: "db-integrity", digest: "-", messages });
  const bodies = new Map<string, string | null>();
  try {
    await compareRuns(deps, skip, bodies, out);
  } catch (e) {
    // A damaged page the scan runs into: already reported above when integrity_check saw it, otherwise reported now.
    if (!(e instanceof Error && e.name === "SQLiteError")) throw e;
    if (messages.length === 0) out.problems.push({ kind: "db-integrity", digest: "-", messages: [`reading the runs: ${e.message}`] });
  }
  return out;
}

async function compareRuns(deps: ServiceDeps, skip: Set<string>, bodies: Map<string, string | null>, out: RunCheckResult): Promise<void> {
  for await (const run of await deps.orgs.attestedRuns()) {
    if (skip.has(run.attestationDigest)) continue;
    const checked = await statementOf(deps, run);
    if (checked === undefined) continue;
    out.runsChecked++;
    if ("reason" in checked) {
      out.problems.push({ kind: "run-mismatch", digest: run.attestationDigest, runId: run.id, reason: checked.reason });
      continue;
    }
    const mismatch = runStatementMismatch(run, checked);
    if (mismatch) out.problems.push({ kind: "run-mismatch", digest: run.attestationDigest, runId: run.id, reason: mismatch });
    const body = await checkContractBody(deps, run, checked, bodies);
    if (body === "unbound") out.contractUnbound++;
    else if (body) out.problems.push({ kind: "contract-mismatch", digest: run.attestationDigest, runId: run.id, reason: body });
  }
}

/** The run's statement; undefined when the bundle cannot be read (fsck.ts reports that), a reason when it is no cairn statement. */
async function statementOf(deps: ServiceDeps, run: AttestedRunRow): Promise<CheckedStatement | { reason: string } | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await deps.blobs.read(run.attestationDigest);
  } catch (e) {
    if (isCairnError(e)) return undefined;
    throw e;
  }
  try {
    const env = storedEnvelope(bytes, run.attestationDigest);
    return checkStatement(env.payloadType, env.payload);
  } catch (e) {
    if (isCairnError(e)) return { reason: `its attestation is not a cairn statement: ${e.message}` };
    throw e;
  }
}

/** "unbound" for a statement without contractDigest; a reason when the stored body differs; undefined when it matches. */
async function checkContractBody(deps: ServiceDeps, run: AttestedRunRow, checked: CheckedStatement, bodies: Map<string, string | null>): Promise<string | "unbound" | undefined> {
  const m = checked.metadata;
  if (m.contractDigest === undefined) return "unbound";
  // Many runs share a revision: each body is read and hashed once.
  const key = `${run.orgId}\0${m.contractName}\0${m.contractRevision}`;
  let actual = bodies.get(key);
  if (actual === undefined) {
    bodies.set(key, (actual = (await storedBodyDigest(deps, run.orgId, m.contractName, m.contractRevision)) ?? null));
  }
  if (actual === null) return `contract ${m.contractName} revision ${m.contractRevision}, which the run used, is not stored`;
  if (actual !== m.contractDigest) return `contract ${m.contractName} revision ${m.contractRevision}: the stored body hashes to ${actual}, the signed contractDigest is ${m.contractDigest}`;
  return undefined;
}
