import { missingFrom } from "../../crafter/state/transitions.ts";
import type { Contract } from "../../crafter/contract/types.ts";
import { CairnError, isCairnError } from "../../errors.ts";
import type { Env } from "../../config.ts";
import type { Scope } from "../../store/ports.ts";
import type { ComplianceRuns, JudgedRun, WorkflowRecord } from "../../store/workflow-port.ts";
import { revisionContract } from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";
import { expireOverdueRuns } from "./expiry.ts";
import { bundleMaterials, currentOrgId } from "./runs.ts";
import { workflowView, type WorkflowView } from "./workflows.ts";

/**
 * A workflow's compliance state. A workflow has exactly one: the first that applies in this order (precedence):
 * never_run > blocked > failing > stale > behind > passing. `blocked`: the judged run's attestation is stored but a
 * policy gate was violated. It outranks failing because it is the more specific verdict on the same run (a blocked run
 * that also lacks required materials is shown blocked: the gate is what a person must act on first), and it never
 * counts as a success (a workflow whose last run is blocked is not passing however recent that run is).
 */
export const COMPLIANCE_STATES = ["never_run", "blocked", "failing", "stale", "behind", "passing"] as const;
export type ComplianceState = (typeof COMPLIANCE_STATES)[number];

export const DEFAULT_STALE_DAYS = 7;
const DAY_MS = 86_400_000;
/** Workflows read per store query. */
const PAGE = 200;

export interface WorkflowCompliance extends WorkflowView {
  state: ComplianceState;
  /** Why, in a sentence a person reads. */
  reason: string;
  /** The run the state is judged by: the newest finished one (an in-progress last run is skipped). */
  judgedRun: Omit<JudgedRun, "attestationDigest" | "reason"> | null;
  /** Required materials (and choke groups, as `group:NAME`) of the latest revision missing from the judged run. */
  missing: string[];
}

export interface ComplianceGroup {
  project: string;
  team: string | null;
  workflows: WorkflowCompliance[];
}

export interface ComplianceReport {
  staleDays: number;
  /** Over every live workflow, whatever the filter. */
  counts: Record<ComplianceState, number>;
  /** By project then team (no team last), workflows by name; only the filtered state when one was given. */
  groups: ComplianceGroup[];
}

/** CAIRN_STALE_DAYS: a whole number of days from 1 (default 7). */
export function staleDaysFromEnv(env: Env): number {
  const text = env.CAIRN_STALE_DAYS;
  if (text === undefined || text === "") return DEFAULT_STALE_DAYS;
  if (!/^[1-9]\d{0,4}$/.test(text.trim())) {
    throw new CairnError("USAGE", `CAIRN_STALE_DAYS ${JSON.stringify(text)} is not a whole number of days`, {
      hint: `set it to e.g. 7 (or unset it for the default of ${DEFAULT_STALE_DAYS})`,
    });
  }
  return Number(text.trim());
}

/**
 * The compliance of every live workflow of the organization (of the scope, if given). Costs one store query per page of workflows (the
 * workflow row carries its run statistics, one more picks each one's judged run), one
 * contract parse per contract, and one attestation read per workflow whose contract requires materials.
 */
export async function complianceReport(deps: ServiceDeps, input: { staleDays: number; state?: ComplianceState; scope?: Scope }): Promise<ComplianceReport> {
  await expireOverdueRuns(deps); // so an abandoned run counts as expired, not in progress
  const counts = Object.fromEntries(COMPLIANCE_STATES.map((s) => [s, 0])) as Record<ComplianceState, number>;
  const orgId = await currentOrgId(deps);
  const all: WorkflowCompliance[] = [];
  const contracts = new Map<string, Contract>();
  const staleBefore = new Date(deps.clock.now().getTime() - input.staleDays * DAY_MS).toISOString();
  let after: { createdAt: string; id: string } | undefined;
  while (orgId) {
    const rows = await deps.workflows.listWorkflows({ orgId, limit: PAGE, after, scope: input.scope });
    const facts = new Map((await deps.workflows.complianceRuns(rows.map((w) => w.id))).map((f) => [f.workflowId, f]));
    for (const w of rows) {
      const judged = await judge(deps, w, facts.get(w.id), await latestContract(deps, contracts, w), staleBefore, input.staleDays);
      counts[judged.state]++;
      if (input.state === undefined || input.state === judged.state) all.push(judged);
    }
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
  return { staleDays: input.staleDays, counts, groups: groupByProjectAndTeam(all) };
}

async function latestContract(deps: ServiceDeps, cache: Map<string, Contract>, w: WorkflowRecord): Promise<Contract | undefined> {
  if (!cache.has(w.contractId)) {
    const rev = await deps.repo.latestRevision(w.contractId);
    if (rev) cache.set(w.contractId, revisionContract(rev));
  }
  return cache.get(w.contractId);
}

async function judge(
  deps: ServiceDeps,
  w: WorkflowRecord,
  facts: ComplianceRuns | undefined,
  contract: Contract | undefined,
  staleBefore: string,
  staleDays: number,
): Promise<WorkflowCompliance> {
  const judged = facts?.judged ?? null;
  const base = {
    ...workflowView(w),
    judgedRun: judged && { id: judged.id, state: judged.state, createdAt: judged.createdAt, finishedAt: judged.finishedAt, contractRevisionUsed: judged.contractRevisionUsed },
  };
  const result = (state: ComplianceState, reason: string, missing: string[] = []): WorkflowCompliance => ({ ...base, state, reason, missing });
  if (!judged) return result("never_run", w.runsCount > 0 ? "its first run is still in progress" : "it has no runs");
  if (judged.state === "blocked") return result("blocked", blockedReason(judged));
  if (judged.state !== "succeeded") return result("failing", `the last run ${judged.state}`);
  const missing = await missingMaterials(deps, judged, contract);
  if (missing.length > 0) {
    return result("failing", `the last run lacks what contract revision ${w.contractLatestRevision} requires: ${missing.join(", ")}`, missing);
  }
  // The judged run succeeded, so it is the newest success.
  if ((judged.finishedAt ?? judged.createdAt) < staleBefore) return result("stale", `no successful run in ${staleDays} days`);
  if (judged.contractRevisionUsed < w.contractLatestRevision) {
    return result("behind", `the last run used contract revision ${judged.contractRevisionUsed} of ${w.contractLatestRevision}`);
  }
  return result("passing", "the last run succeeded with the latest contract");
}

/** "the last run was blocked: 2 gated policy violations", from the reason the gate recorded. */
function blockedReason(run: JudgedRun): string {
  return run.reason?.startsWith("blocked:") ? `the last run was ${run.reason}` : "the last run was blocked by a gated policy violation";
}

/** Required names of the latest contract revision absent from the run's attestation; read only when something is required. */
async function missingMaterials(deps: ServiceDeps, run: JudgedRun, contract: Contract | undefined): Promise<string[]> {
  if (!contract) return [];
  const required = missingFrom(contract.materials, () => false);
  if (required.materials.length === 0 && required.groups.length === 0) return [];
  if (!run.attestationDigest) return ["attestation"];
  let present: Set<string>;
  try {
    present = new Set(bundleMaterials(await deps.blobs.read(run.attestationDigest), run.attestationDigest).map((m) => m.name));
  } catch (e) {
    // A missing or damaged attestation proves nothing: the run counts as lacking everything required.
    if (!isCairnError(e)) throw e;
    deps.reporter.warn(`attestation ${run.attestationDigest} of run ${run.id} cannot be read (${e.message}); run \`cairn store fsck\``);
    return ["attestation"];
  }
  const m = missingFrom(contract.materials, (name) => present.has(name));
  return [...m.materials, ...m.groups.map((g) => `group:${g}`)];
}

/** Projects by name; within one, teams by name with the team-less workflows last; workflows by name. */
function groupByProjectAndTeam(items: WorkflowCompliance[]): ComplianceGroup[] {
  const groups = new Map<string, ComplianceGroup>();
  for (const w of items) {
    const key = JSON.stringify([w.project, w.team]);
    const g = groups.get(key) ?? { project: w.project, team: w.team, workflows: [] };
    g.workflows.push(w);
    groups.set(key, g);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  for (const g of groups.values()) g.workflows.sort((a, b) => byName(a.name, b.name));
  return [...groups.values()].sort((a, b) => byName(a.project, b.project) || teamOrder(a.team, b.team));
}

function teamOrder(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
