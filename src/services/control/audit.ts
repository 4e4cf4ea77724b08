import { parseDuration } from "../../config.ts";
import { CairnError } from "../../errors.ts";
import type { AuditEvent } from "../../store/audit-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";
import { currentOrgId } from "./runs.ts";

/** An audit row as `cairn audit list`, `GET /api/v1/audit` and the web view's Audit page show it. */
export type AuditView = Omit<AuditEvent, "orgId">;

export interface AuditListInput {
  /** An RFC 3339 time or date, or a duration back from now (`24h`, `7d`). */
  since?: string;
  /** A token name (`ci`), or `token:ci` / `local` as recorded. */
  actor?: string;
  /** `contract.update`, or a prefix with `*` (`contract.*`). */
  action?: string;
  outcome?: string;
  limit?: number;
  next?: string;
}

const OUTCOMES = ["ok", "refused"] as const;
const ACTION = /^[a-z][a-z.-]{0,63}\*?$/;

/** `audit list`: the organization's audit trail, newest first, filtered, keyset-paginated by id. */
export async function listAudit(deps: ServiceDeps, input: AuditListInput): Promise<Page<AuditView>> {
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const since = input.since === undefined ? undefined : parseSince(deps, input.since);
  if (input.outcome !== undefined && !(OUTCOMES as readonly string[]).includes(input.outcome)) {
    throw new CairnError("USAGE", `--outcome ${JSON.stringify(input.outcome.slice(0, 40))} is not an outcome`, { hint: "use ok or refused (refused includes errors)" });
  }
  if (input.action !== undefined && !ACTION.test(input.action)) {
    throw new CairnError("USAGE", `--action ${JSON.stringify(input.action.slice(0, 70))} is not an action`, { hint: "e.g. --action contract.update, or --action 'contract.*'" });
  }
  const actor = input.actor === undefined || input.actor === "local" || input.actor === "anonymous" || /^(token|oidc):/.test(input.actor) ? input.actor : `token:${input.actor}`;
  const beforeId = input.next === undefined ? undefined : idCursor(input.next);
  const orgId = await currentOrgId(deps);
  if (!orgId) return { items: [] };
  const rows = await deps.audit.list({ orgId, since, actor, action: input.action, outcome: input.outcome as "ok" | "refused" | undefined, limit: limit + 1, beforeId });
  const page = toPage(rows, limit, (e) => [e.id]);
  return { ...page, items: page.items.map(({ orgId: _org, ...rest }) => rest) };
}

function parseSince(deps: ServiceDeps, text: string): string {
  if (/^\d+[smhd]$/.test(text.trim())) return new Date(deps.clock.now().getTime() - parseDuration(text, "--since")).toISOString();
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) {
    throw new CairnError("USAGE", `--since ${JSON.stringify(text.slice(0, 40))} is neither a time nor a duration`, { hint: "write e.g. --since 2026-12-01, an RFC 3339 time, or --since 24h" });
  }
  return d.toISOString();
}

function idCursor(next: string): number {
  const [id, ...rest] = decodeCursor(next);
  if (typeof id !== "number" || !Number.isSafeInteger(id) || rest.length > 0) {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`audit list\``, { hint: "pass the value printed by the previous page" });
  }
  return id;
}
