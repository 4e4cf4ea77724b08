// Shared test helpers (imported only by *.test.ts files).
import { expect } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { CairnError, type ErrorCode } from "./errors.ts";

/** Asserts that fn (sync or async) throws a CairnError with the given code; returns the error. */
export async function expectCode(fn: () => unknown, code: ErrorCode): Promise<CairnError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CairnError);
  expect((caught as CairnError).code).toBe(code);
  return caught as CairnError;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for a real server a test starts). */
/**
 * A free port for a server a test starts as another process, below Linux's ephemeral range (32768-60999): a port
 * the kernel hands out (freePort) may be taken by any outgoing connection before the server binds it, and Swift's
 * servers then retry the bind for 30 s with nothing in their logs. Probed by binding it.
 */
export function freeServerPort(): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response() }).stop(true);
      return port;
    } catch {
      // taken: another
    }
  }
  return freePort();
}

export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  if (port === undefined) throw new Error("could not get a free port");
  return port;
}

/** A second connection to a home's SQLite store, for tests that read or change rows the ports do not reach. */
export function storeDb(app: { config: { home: string } }): Database {
  return new Database(join(app.config.home, "cairn.db"));
}
