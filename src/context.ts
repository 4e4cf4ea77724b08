import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { withCurrentOrg, type Config } from "./config.ts";
import type { Clock, Reporter, ServiceDeps } from "./services/deps.ts";
import { StateFile } from "./services/state-file.ts";
import { DiskBlobStore } from "./store/cas/disk-blob-store.ts";
import { openDatabase } from "./store/sqlite/db.ts";
import { sqliteStore } from "./store/sqlite/store.ts";
import type { StorePorts } from "./store/store-ports.ts";
import type { Database } from "bun:sqlite";
import { VERSION } from "./version.ts";
import { evidenceStore } from "./store/oci/evidence-stores.ts";
import { registryOptionsFor } from "./services/oci-registries.ts";
import { startCheckpointer } from "./store/sqlite/checkpointer.ts";
import { TokenCache, watchTokens } from "./services/control/token-cache.ts";
import type { TokenFeed } from "./store/org-port.ts";

export interface AppContext extends ServiceDeps {
  /** Stops the background checkpointer (when started) and closes the store. */
  close(): Promise<void> | void;
}

export interface Overrides {
  clock?: Clock;
  reporter?: Reporter;
  /** `cairn serve`: WAL checkpoints on a worker thread, never inside a request's commit (checkpointer.ts). */
  backgroundCheckpoints?: boolean;
  /** `cairn serve`: cache tokens per process where the store sends revocations (PostgreSQL; token-cache.ts). */
  tokenCache?: boolean;
}

export const systemClock: Clock = { now: () => new Date() };

/** The one composition root: builds the store, CAS and state file from config for the CLI and the server alike. */
export async function createAppContext(config: Config, overrides: Overrides = {}): Promise<AppContext> {
  mkdirSync(config.home, { recursive: true, mode: 0o700 });
  const store = await openStore(config);
  const ports = store.ports;
  config = withCurrentOrg(config, await ports.orgs.currentOrg()); // the `org set` choice lives in the store
  const { casBackends, leases } = ports;
  const local = new DiskBlobStore(join(config.home, "cas"), { guard: leases });
  // The registry client is loaded, and its settings (credentials, plain http) resolved, when a registry is first used.
  const blobs = evidenceStore(local, await casBackends.list(), async (host) => (await import("./oci/client.ts")).createOciClient((await registryOptionsFor({ config, casBackends }, host))), {
    env: config.env,
    stagingDir: join(config.home, "cas", "tmp"),
  });
  const reporter = overrides.reporter ?? { warn: () => {} };
  const checkpointer = overrides.backgroundCheckpoints && store.sqlite ? startCheckpointer(store.sqlite.db, store.sqlite.path, (m) => reporter.warn(m)) : undefined;
  const tokens = overrides.tokenCache && ports.tokenFeed ? await watchedTokenCache(ports.tokenFeed, reporter) : undefined;
  const stops = [tokens?.stop, checkpointer && (() => checkpointer.stop())].filter((f) => f !== undefined);
  return {
    ...ports,
    config,
    clock: overrides.clock ?? clockFromEnv(config) ?? systemClock,
    blobs,
    state: new StateFile(config.statePath),
    reporter,
    version: VERSION,
    ...(tokens && { tokenCache: tokens.cache }),
    close:
      stops.length > 0
        ? async () => {
            for (const stop of stops) await stop();
            await store.close();
          }
        : () => store.close(),
  };
}

async function watchedTokenCache(feed: TokenFeed, reporter: Reporter): Promise<{ cache: TokenCache; stop: () => Promise<void> }> {
  const cache = new TokenCache();
  return { cache, stop: await watchTokens(feed, cache, (m) => reporter.warn(m)) };
}

interface OpenedStore {
  ports: StorePorts;
  /** The home's SQLite file, when that is the store (its WAL checkpoints run beside `cairn serve`). */
  sqlite?: { db: Database; path: string };
  close(): Promise<void> | void;
}

/**
 * The home's SQLite file, or PostgreSQL with --database/CAIRN_DATABASE_URL (opened and migrated under an advisory
 * lock; its client is loaded only then).
 */
async function openStore(config: Config): Promise<OpenedStore> {
  if (config.database) {
    const [{ openPgStore }, { pgStore }] = await Promise.all([import("./store/pg/migrate.ts"), import("./store/pg/store.ts")]);
    const db = await openPgStore(config.database);
    return { ports: pgStore(db), close: () => db.close() };
  }
  const path = join(config.home, "cairn.db");
  const db = openDatabase(path);
  return { ports: sqliteStore(db), sqlite: { db, path }, close: () => db.close() };
}

/**
 * CAIRN_FIXED_TIME (RFC 3339) pins the clock, so golden tests of the compiled binary are reproducible.
 * It only changes recorded timestamps; nothing security-relevant depends on the clock.
 */
export function clockFromEnv(config: Config): Clock | undefined {
  const fixed = config.env.CAIRN_FIXED_TIME;
  if (!fixed) return undefined;
  const d = new Date(fixed);
  return Number.isNaN(d.getTime()) ? undefined : { now: () => new Date(d) };
}
