/** Storage port for the audit trail of `cairn serve`: one row per state-changing request and per refusal. Append-only. */

export interface AuditEvent {
  id: number;
  orgId: string;
  at: string;
  /** The API token's id; null for a row written by a local command on the server's machine. */
  tokenId: string | null;
  /** Who: `token:<name>`, or `local`. */
  actor: string;
  role: string | null;
  /** What, e.g. `contract.update`, `workflow.delete`, `token.create`, `key.add`, `push`. */
  action: string;
  /** On what, e.g. `contract release`, `workflow skynet/build`; "" when the request named nothing. */
  target: string;
  /** `ok`, or `refused: CODE`. */
  outcome: string;
  /** The HTTP status answered (null for local commands). */
  status: number | null;
}

export type NewAuditEvent = Omit<AuditEvent, "id">;

export interface AuditQuery {
  orgId: string;
  /** ISO time: only events at or after it. */
  since?: string;
  /** Exact actor label (`token:ci`, `local`). */
  actor?: string;
  /** Exact action, or a prefix when it ends with `*` (`contract.*`). */
  action?: string;
  outcome?: "ok" | "refused";
  limit: number;
  /** Newest first: only ids below this one (the previous page's last). */
  beforeId?: number;
}

export interface AuditRepo {
  append(e: NewAuditEvent): Promise<void>;
  /** Newest first. */
  list(q: AuditQuery): Promise<AuditEvent[]>;
}
