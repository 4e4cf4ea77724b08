import type { TokenFeed, TokenFeedHandlers } from "../org-port.ts";
import type { PgDatabase } from "./database.ts";
import { TOKEN_REVOKED_CHANNEL } from "./org-repo.ts";

/** Payload prefixes on TOKEN_REVOKED_CHANNEL besides a bare token id (a UUID). */
export const WORKFLOW_DELETED_PREFIX = "workflow:";
const PING_PREFIX = "ping:";

/** TokenFeed over LISTEN/NOTIFY: revocations, workflow deletions and pings share one channel, so one order. */
export class PgTokenFeed implements TokenFeed {
  constructor(private readonly db: PgDatabase) {}

  subscribe(h: TokenFeedHandlers): Promise<() => Promise<void>> {
    const onPayload = (payload: string) => {
      if (payload.startsWith(PING_PREFIX)) h.pong(payload.slice(PING_PREFIX.length));
      else if (payload.startsWith(WORKFLOW_DELETED_PREFIX)) h.workflowDeleted(payload.slice(WORKFLOW_DELETED_PREFIX.length));
      else h.revoked(payload);
    };
    return this.db.listen(TOKEN_REVOKED_CHANNEL, onPayload, () => h.listening());
  }

  ping(payload: string): Promise<void> {
    return this.db.notify(TOKEN_REVOKED_CHANNEL, `${PING_PREFIX}${payload}`);
  }
}
