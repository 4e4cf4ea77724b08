import type { Database } from "bun:sqlite";

/**
 * WAL checkpoints off the request thread, for the long-running `cairn serve`. bun:sqlite is synchronous, so a
 * checkpoint SQLite runs inside a commit (every 1000 WAL pages by default) stops the whole server for its fsync: with
 * a worker thread doing PASSIVE checkpoints on its own connection, commits only append to the WAL. The server's own
 * connection keeps a far larger automatic checkpoint as a safety net, should the worker ever stop.
 */
export interface Checkpointer {
  /** A last checkpoint, then the worker's connection closes (before the server's own closes). */
  stop(): Promise<void>;
}

const INTERVAL_MS = 200;
/** 64 MiB of 4 KiB pages: reached only if the worker falls far behind or died. */
const SAFETY_NET_PAGES = 16_384;

/**
 * Unbundled (tests, `bun src/main.ts`) the worker is the file beside this one. In the compiled binary build.ts embeds
 * it as its own entrypoint, named by its path under src/ (the entrypoints' common root).
 */
function workerSpecifier(): string {
  return import.meta.url.includes("/$bunfs/") ? "./store/sqlite/checkpoint-worker.ts" : new URL("./checkpoint-worker.ts", import.meta.url).href;
}

export function startCheckpointer(db: Database, path: string, onError: (message: string) => void): Checkpointer {
  db.exec(`PRAGMA wal_autocheckpoint=${SAFETY_NET_PAGES}`);
  const worker = new Worker(workerSpecifier());
  let stopped: (() => void) | undefined;
  worker.onmessage = (e: MessageEvent<string | { error: string }>) => {
    if (e.data === "stopped") stopped?.();
    else if (typeof e.data === "object") onError(`background checkpoint: ${e.data.error}`);
  };
  worker.onerror = (e) => onError(`background checkpoint worker: ${e.message}`);
  worker.postMessage({ path, intervalMs: INTERVAL_MS });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          worker.terminate();
          resolve();
        };
        const timer = setTimeout(done, 5000); // a worker that does not answer is cut; SQLite needs no clean-up
        stopped = done;
        worker.postMessage("stop");
      }),
  };
}
