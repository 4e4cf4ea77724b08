import { CairnError, httpStatusFor } from "../errors.ts";
import { actorLabel, type Role } from "../services/control/roles.ts";
import type { ServiceDeps } from "../services/deps.ts";
import type { NewAuditEvent } from "../store/audit-port.ts";
import type { RequestContext } from "./context.ts";
import type { Route } from "./router.ts";

const READS = new Set(["GET", "HEAD"]);

/**
 * The request's audit row, if it gets one: every state-changing request, whatever its outcome, and every read its
 * role refused. `ok`, `refused: CODE` (4xx) or `error: CODE` (5xx).
 */
export function auditRow(c: RequestContext, route: Route, outcome: { status: number } | { error: unknown }): NewAuditEvent | undefined {
  const error = "error" in outcome ? outcome.error : undefined;
  const code = error === undefined ? undefined : error instanceof CairnError ? error.code : "INTERNAL";
  if ((READS.has(route.method) || route.safe) && code !== "FORBIDDEN") return undefined;
  const what = "status" in outcome ? { outcome: c.audit.outcome ?? "ok", status: outcome.status } : errorOutcome(error);
  return tokenEvent(c.principal, c.app.clock.now(), { action: route.action, target: (c.audit.target ?? defaultTarget(route, c.params)).slice(0, 300), ...what });
}

/** The outcome of a request that failed: `refused: CODE` (4xx) or `error: CODE` (5xx, the server's own failures). */
export function errorOutcome(e: unknown): { outcome: string; status: number } {
  const status = httpStatusFor(e);
  return { outcome: `${status >= 500 ? "error" : "refused"}: ${e instanceof CairnError ? e.code : "INTERNAL"}`, status };
}

/** An audit row of what a token did: who (organization, token, role) and when, around what, on what and how. */
export function tokenEvent(
  p: { orgId: string; tokenId: string; tokenName: string; role: Role },
  now: Date,
  what: Pick<NewAuditEvent, "action" | "target" | "outcome" | "status">,
): NewAuditEvent {
  const actor = actorLabel({ tokenId: p.tokenId, tokenName: p.tokenName, role: p.role });
  return { orgId: p.orgId, at: now.toISOString(), tokenId: p.tokenId, actor, role: p.role, ...what };
}

/** `workflow p1/build` from action `workflow.update` and the path parameters; "" when the path names nothing. */
function defaultTarget(route: Route, params: Record<string, string>): string {
  const values = Object.values(params);
  if (values.length === 0) return "";
  return `${route.action.split(".")[0]} ${values.join("/")}`;
}

/**
 * Group commit of audit rows: the rows of the requests that finish in the same turn of the event loop are written
 * in one transaction, and each request answers only once its row is committed. Written after the handler, outside
 * its transaction, so a refusal that rolled everything back is still on the record.
 */
export class AuditWriter {
  private queue: { row: NewAuditEvent; done: (e?: unknown) => void }[] = [];

  constructor(private readonly app: Pick<ServiceDeps, "repo" | "audit">) {}

  write(row: NewAuditEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ row, done: (e) => (e === undefined ? resolve() : reject(e)) });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      await this.app.repo.transaction(async () => {
        for (const b of batch) await this.app.audit.append(b.row);
      });
    } catch (e) {
      for (const b of batch) b.done(e);
      return;
    }
    for (const b of batch) b.done();
  }
}
