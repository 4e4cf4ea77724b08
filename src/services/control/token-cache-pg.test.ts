import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../config.ts";
import { createAppContext, type AppContext } from "../../context.ts";
import { isCairnError } from "../../errors.ts";
import { pgMissing, testDatabase, type TestDatabase } from "../../store/pg/pg.testutil.ts";
import { TOKEN_REVOCATION_BOUND_MS } from "./token-cache.ts";
import { authenticateToken, createToken, revokeToken, tokenHash } from "./tokens.ts";
import { createWorkflow, deleteWorkflow } from "./workflows.ts";

const skip = pgMissing();

/** Two replicas on one PostgreSQL database: `a` caches tokens (as `cairn serve` does), `b` revokes. */
describe.skipIf(skip !== undefined)(`token cache on PostgreSQL${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pg: TestDatabase;
  let dir: string;
  let a: AppContext;
  let b: AppContext;
  beforeAll(async () => {
    pg = (await testDatabase())!;
    dir = mkdtempSync(join(tmpdir(), "cairn-token-cache-"));
    const open = (home: string, tokenCache: boolean) =>
      createAppContext(loadConfig({ HOME: dir, CAIRN_HOME: join(dir, home), CAIRN_DATABASE_URL: pg.url }, {}, dir, false), { tokenCache });
    a = await open("a", true);
    b = await open("b", false);
  }, 30_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Authenticates on `a` until its cache holds the token (the first use starts the feed's pings). */
  async function cachedOnA(token: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (a.tokenCache!.get(tokenHash(token)) === undefined) {
      if (Date.now() > deadline) throw new Error("the token was never cached");
      await authenticateToken(a, token);
      await Bun.sleep(20);
    }
  }

  /** How long until `a` refuses the token (polling every 5 ms), failing past the revocation bound. */
  async function refusedOnA(token: string, reason: string): Promise<number> {
    const start = performance.now();
    for (;;) {
      try {
        await authenticateToken(a, token);
      } catch (e) {
        if (isCairnError(e) && e.code === "UNAUTHENTICATED") {
          expect(e.details).toEqual({ reason });
          return performance.now() - start;
        }
        throw e;
      }
      if (performance.now() - start > TOKEN_REVOCATION_BOUND_MS) throw new Error(`still accepted after ${TOKEN_REVOCATION_BOUND_MS} ms`);
      await Bun.sleep(5);
    }
  }

  test("only the serving context has a cache; a token revoked on the other replica is refused at once", async () => {
    expect(b.tokenCache).toBeUndefined();
    const t = await createToken(b, { name: "ci" });
    await cachedOnA(t.token);
    await revokeToken(b, { id: t.id });
    expect(await refusedOnA(t.token, "is revoked")).toBeLessThan(500);
  });

  test("a workflow deleted on the other replica: its scoped tokens are refused at once", async () => {
    await createWorkflow(b, { name: "build", project: "p" });
    const t = await createToken(b, { name: "wf", project: "p", workflow: "build" });
    await cachedOnA(t.token);
    await deleteWorkflow(b, { name: "build", project: "p" });
    expect(await refusedOnA(t.token, "is scoped to a deleted workflow")).toBeLessThan(500);
  });

  test("the listen connection killed and a token revoked meanwhile: refused within the bound; caching resumes", async () => {
    const t = await createToken(b, { name: "killed" });
    await cachedOnA(t.token);
    const killed = await pg.db.query<{ ok: boolean }>("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'");
    expect(killed.length).toBeGreaterThan(0);
    await revokeToken(b, { id: t.id }); // its notice is sent while `a` is not listening
    expect(await refusedOnA(t.token, "is revoked")).toBeLessThanOrEqual(TOKEN_REVOCATION_BOUND_MS);
    const other = await createToken(b, { name: "after" });
    await cachedOnA(other.token); // re-listened: cached again
  });
});
