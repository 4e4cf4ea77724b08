// What binds runs.json and the contract entries to the signed statements (import-verify.ts calls these before
// anything is stored). A field the statement carries must equal it; the rest is bound by the manifest signature
// (manifest-signature.ts) alone. docs/transfer.md lists which is which.
import { contractBodyDigest } from "../../crafter/statement.ts";
import { CairnError } from "../../errors.ts";
import type { Reporter } from "../deps.ts";
import type { CheckedStatement } from "../control/ingest-statement.ts";
import { policyRunReason } from "../crafting/gate.ts";
import type { ExportedRun } from "./layout.ts";
import { refuse } from "./tar-reader.ts";

/**
 * runs.json [i] against its signed statement: team, runner type and URL, the creation time (the statement's
 * initializedAt: init records both from one clock reading), the reason (derived from the policy verdict; null is
 * accepted from older exports), and times and revisions that cannot be (a run finished before it began).
 */
export function checkRunFields(run: ExportedRun, i: number, entry: string, checked: CheckedStatement): void {
  const m = checked.metadata;
  const runner = (checked.statement.predicate.runner ?? {}) as { type?: string; url?: string };
  const fields: [string, string, unknown, unknown][] = [
    ["team", "team", m.team ?? null, run.team],
    ["runner.type", "runnerType", runner.type, run.runnerType],
    ["runner.url", "runnerUrl", runner.url ?? null, run.runnerUrl],
    ["initializedAt", "createdAt", m.initializedAt, run.createdAt],
  ];
  for (const [signed, field, got, want] of fields) {
    if (got !== want) refuse(entry, `the signed ${signed} is ${JSON.stringify(got)}, but runs.json [${i}] ${field} says ${JSON.stringify(want)}`);
  }
  const reason = policyRunReason(checked.statement);
  if (run.reason !== null && run.reason !== reason) {
    refuse(entry, `runs.json [${i}] reason says ${JSON.stringify(run.reason)}, but the signed policy verdict gives ${JSON.stringify(reason)}`);
  }
  for (const [field, t] of [["finishedAt", run.finishedAt], ["attestation.createdAt", run.attestation.createdAt]] as const) {
    if (t !== null && Date.parse(t) < Date.parse(run.createdAt)) refuse(entry, `runs.json [${i}] ${field} ${t} is before the run was created (${run.createdAt})`);
  }
  if (run.contractRevisionLatest < run.contractRevisionUsed) {
    refuse(entry, `runs.json [${i}] contractRevisionLatest ${run.contractRevisionLatest} is below the revision the run used (${run.contractRevisionUsed})`);
  }
}

/** The bodies of the revision a run used: carried in the tar (with its entry name) and/or already stored here. */
export interface RevisionBodies {
  carried?: { entry: string; body: string };
  stored?: string;
}

/**
 * The body of the revision a run used must hash to the statement's contractDigest (schema revision 2): the tar's copy
 * (else it was tampered with) and this store's own (else the two stores diverged: the run could not be checked here).
 * A statement without one (signed before cairn recorded it) is imported with a warning: its contract body is not
 * bound. `latest` is the highest revision of the contract after import; the run's contractRevisionLatest may not
 * exceed it. Returns whether the body is bound.
 */
export function checkRunContract(run: ExportedRun, i: number, checked: CheckedStatement, bodies: RevisionBodies, latest: number, reporter: Reporter): boolean {
  if (run.contractRevisionLatest > latest) {
    refuse(`runs.json [${i}]`, `contractRevisionLatest ${run.contractRevisionLatest}, but contract ${run.contract} has ${latest} revision${latest === 1 ? "" : "s"} in the tar and this store`);
  }
  const signed = checked.metadata.contractDigest;
  const rev = `contract ${run.contract} revision ${run.contractRevisionUsed}`;
  if (signed === undefined) {
    reporter.warn(`run ${run.id}: its attestation predates contractDigest, so ${rev} is not bound to a signature (imported as carried)`);
    return false;
  }
  const { carried, stored } = bodies;
  if (carried && contractBodyDigest(carried.body) !== signed) {
    refuse(carried.entry, `hashes to ${contractBodyDigest(carried.body)}, but run ${run.id}'s signed contractDigest is ${signed}`);
  }
  if (stored !== undefined && contractBodyDigest(stored) !== signed) {
    throw new CairnError("ALREADY_EXISTS", `runs.json [${i}]: ${rev} is stored here with a body hashing to ${contractBodyDigest(stored)}, but run ${run.id}'s signed contractDigest is ${signed}; nothing was imported`, {
      hint: "the two stores' copies of the revision differ (same contract, different text); rename the contract in one of them before transferring",
    });
  }
  return true;
}
