import { complianceReport, type WorkflowCompliance } from "../control/compliance.ts";
import type { ServiceDeps } from "../deps.ts";
import { enqueueEvent } from "./events.ts";

/** Organizations read per store query. */
const PAGE = 100;

export interface ComplianceJobOptions {
  /** Between two runs (`cairn serve --compliance-interval`, default 24h). */
  intervalMs: number;
  /** Before the first run after start (CAIRN_COMPLIANCE_FIRST_DELAY, default 1m). */
  firstDelayMs: number;
  staleDays: number;
  /** After a run that enqueued deliveries (the worker's wake). */
  onEnqueued?: () => void;
  log?: (line: string) => void;
}

/**
 * `workflow.behind` and `workflow.stale` events, judged as the dashboard judges compliance: each run of the job enqueues
 * one event per workflow currently behind or stale, in every organization. A periodic job, not a check on every
 * request: staleness comes from time passing, and "behind" should be reported once a period, not once a push.
 */
export class ComplianceJob {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly app: ServiceDeps,
    private readonly o: ComplianceJobOptions,
  ) {}

  start(): void {
    this.schedule(this.o.firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One run over every organization; returns how many deliveries it enqueued. */
  async runOnce(): Promise<number> {
    let enqueued = 0;
    let after: string | undefined;
    for (;;) {
      const orgs = await this.app.orgs.listOrgs(PAGE, after);
      for (const org of orgs) {
        const deps: ServiceDeps = { ...this.app, config: { ...this.app.config, organization: org.name } };
        const report = await complianceReport(deps, { staleDays: this.o.staleDays });
        for (const w of report.groups.flatMap((g) => g.workflows)) {
          if (w.state === "behind" || w.state === "stale") enqueued += await enqueueCompliance(deps, org, w);
        }
      }
      if (orgs.length < PAGE) break;
      after = orgs[orgs.length - 1]!.name;
    }
    if (enqueued > 0) this.o.onEnqueued?.();
    return enqueued;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((e) => this.o.log?.(`ERROR compliance job: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => this.schedule(this.o.intervalMs));
    }, ms);
  }
}

/** One `workflow.behind` / `workflow.stale` event to the organization's subscribed webhooks; it links to the workflow's page. */
function enqueueCompliance(deps: ServiceDeps, org: { id: string; name: string }, w: WorkflowCompliance): Promise<number> {
  return enqueueEvent(deps, org.id, w.state === "behind" ? "workflow.behind" : "workflow.stale", {
    organization: org.name,
    project: w.project,
    workflow: w.name,
    ...(w.judgedRun && { run: { id: w.judgedRun.id, state: w.judgedRun.state } }),
    contract: { name: w.contractName, revision: w.contractLatestRevision },
    path: `/workflows/${encodeURIComponent(w.project)}/${encodeURIComponent(w.name)}`,
  });
}
