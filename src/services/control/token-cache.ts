import type { TokenFeed, TokenRecord } from "../../store/org-port.ts";
import { BoundedMap } from "../bounded-map.ts";

export interface TokenCacheOptions {
  /** Entries kept (the oldest insertion goes first). */
  max?: number;
  /** How long an entry is used before the token is read again. */
  ttlMs?: number;
  /** Entries are used only while a ping sent at most this long ago has come back: the revocation bound. */
  liveWindowMs?: number;
  /** Monotonic milliseconds (never the injected clock, which CAIRN_FIXED_TIME may pin). */
  now?: () => number;
}

interface Entry {
  record: TokenRecord;
  at: number;
}

export const TOKEN_CACHE_MAX = 10_000;
export const TOKEN_CACHE_TTL_MS = 5_000;
export const TOKEN_REVOCATION_BOUND_MS = 1_000;

/**
 * `cairn serve`'s active tokens by sha256, on PostgreSQL: a replica stops reading its callers' tokens on every request,
 * and a revocation anywhere reaches it by its TokenFeed. Entries are served only while the feed is proven to deliver
 * (a ping sent within liveWindowMs came back, and notices come in commit order), so a revocation the feed fails to
 * deliver stops working within that bound, not the TTL. Expiry, revocation and status are still judged per request
 * from the record (tokens.ts); the record's role and scope never change after creation.
 */
export class TokenCache {
  private readonly entries: BoundedMap<string, Entry>;
  private readonly ttlMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Send time of the newest ping that came back. */
  private proven = -Infinity;
  /** Bumped by every drop: a read from the database that began before one is not cached (it may predate a revocation). */
  private gen = 0;
  lastUse = -Infinity;

  constructor(o: TokenCacheOptions = {}) {
    this.entries = new BoundedMap(o.max ?? TOKEN_CACHE_MAX);
    this.ttlMs = o.ttlMs ?? TOKEN_CACHE_TTL_MS;
    this.windowMs = o.liveWindowMs ?? TOKEN_REVOCATION_BOUND_MS;
    this.now = o.now ?? (() => performance.now());
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether entries may be served now; when not, they are dropped (revocations may have been missed). */
  live(): boolean {
    if (this.now() - this.proven <= this.windowMs) return true;
    if (this.entries.size > 0) this.drop(() => true);
    return false;
  }

  /** The token's record if cached, fresh and the feed live; call generation() before reading it from the store. */
  get(hash: string): TokenRecord | undefined {
    const now = (this.lastUse = this.now());
    if (!this.live()) return undefined;
    const e = this.entries.get(hash);
    if (e && now - e.at < this.ttlMs) return e.record;
    if (e) this.entries.delete(hash);
    return undefined;
  }

  generation(): number {
    return this.gen;
  }

  /** Caches a record read from the store, unless something was dropped since `gen` was taken or the feed is not live. */
  put(hash: string, record: TokenRecord, gen: number): void {
    if (gen !== this.gen || !this.live()) return;
    this.entries.set(hash, { record, at: this.entries.get(hash)?.at ?? this.now() });
  }

  revoked(tokenId: string): void {
    this.drop((r) => r.id === tokenId);
  }

  workflowDeleted(workflowId: string): void {
    this.drop((r) => r.workflowId === workflowId);
  }

  /** A ping sent at `sentAt` (this cache's now()) came back. */
  pong(sentAt: number): void {
    if (sentAt > this.proven) this.proven = sentAt;
  }

  /** The feed (re)subscribed: what was sent while it was away is lost, so nothing cached before is trusted. */
  reset(): void {
    this.proven = -Infinity;
    this.drop(() => true);
  }

  private drop(which: (r: TokenRecord) => boolean): void {
    this.gen++;
    for (const [hash, e] of this.entries) if (which(e.record)) this.entries.delete(hash);
  }

  /** Monotonic now, for the feed's pings. */
  clock(): number {
    return this.now();
  }
}

/** Ping period while the cache is in use: several pings per live window, so one late ping does not stop caching. */
export const TOKEN_PING_MS = 250;
/** Pings stop once no request used the cache for this long (an idle replica sends none). */
const IDLE_MS = 10_000;

/**
 * Connects a cache to the feed: revocations and workflow deletions drop entries, pings (this process's, told apart
 * by a nonce) prove delivery. Resolves once listening, with the stop.
 */
export async function watchTokens(feed: TokenFeed, cache: TokenCache, log: (line: string) => void): Promise<() => Promise<void>> {
  const nonce = crypto.randomUUID();
  const unsubscribe = await feed.subscribe({
    revoked: (id) => cache.revoked(id),
    workflowDeleted: (id) => cache.workflowDeleted(id),
    pong: (payload) => {
      const [n, sent] = payload.split("/");
      if (n === nonce) cache.pong(Number(sent));
    },
    listening: () => cache.reset(),
  });
  let failing = false;
  const ping = () => {
    if (cache.clock() - cache.lastUse > IDLE_MS) return;
    feed.ping(`${nonce}/${cache.clock()}`).then(
      () => void (failing = false),
      (e) => {
        if (!failing) log(`WARN token cache: ping failed (tokens are read from the database until one succeeds): ${e instanceof Error ? e.message : String(e)}`);
        failing = true;
      },
    );
  };
  const timer = setInterval(ping, TOKEN_PING_MS);
  return async () => {
    clearInterval(timer);
    await unsubscribe();
  };
}
