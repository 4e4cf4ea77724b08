// The background checkpointer's thread (see checkpointer.ts): its own connection to the store, copying the WAL into
// the database every `intervalMs` with a PASSIVE checkpoint, which never blocks the server's readers or writers.
import { Database } from "bun:sqlite";

declare const self: Worker;

export interface CheckpointStart {
  path: string;
  intervalMs: number;
}

let db: Database | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

function checkpoint(): void {
  try {
    db?.query("PRAGMA wal_checkpoint(PASSIVE)").get();
  } catch (e) {
    postMessage({ error: (e as Error).message }); // e.g. SQLITE_BUSY past the timeout: the next tick tries again
  }
}

self.onmessage = (e: MessageEvent<CheckpointStart | "stop">) => {
  if (e.data === "stop") {
    clearInterval(timer);
    checkpoint();
    db?.close();
    db = undefined;
    postMessage("stopped");
    return;
  }
  db = new Database(e.data.path, { strict: true });
  db.exec("PRAGMA busy_timeout=1000");
  timer = setInterval(checkpoint, e.data.intervalMs);
  postMessage("started");
};
