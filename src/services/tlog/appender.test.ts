// LogAppender on replicas of one PostgreSQL database: one appender per connection pool, as each `cairn serve`
// replica has, appending together; and appenders whose log key is not the one the log was started with.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { openPgDatabase, type PgDatabase } from "../../store/pg/database.ts";
import { pgMissing, testDatabase, type TestDatabase } from "../../store/pg/pg.testutil.ts";
import { PgTlogRepo } from "../../store/pg/tlog-repo.ts";
import { parseDatabaseUrl } from "../../store/pg/url.ts";
import { parseCheckpoint } from "../../tlog/checkpoint.ts";
import { leafHash } from "../../tlog/hash.ts";
import { consistencyProof, verifyConsistency, verifyInclusion } from "../../tlog/merkle.ts";
import { noteSigner, noteVerifier } from "../../tlog/note.ts";
import { LogAppender, type LoggedEntry } from "./appender.ts";
import type { LogIdentity } from "./identity.ts";
import { TileFetch } from "./tile-fetch.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
const clock = { now: () => new Date("2026-12-03T00:00:00Z") };
const ORIGIN = "log.example";

const identityOf = (key: KeyObject, origin = ORIGIN): LogIdentity => ({
  origin,
  baseUrl: `https://${origin}`,
  signer: noteSigner(origin, key),
  publicKeySpki: new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" })),
  createdAt: clock.now().toISOString(),
});
const newKey = () => generateKeyPairSync("ed25519").privateKey;

let t: TestDatabase;
const pools: PgDatabase[] = [];
/** A replica's own connection pool to the test database. */
const replicaRepo = () => new PgTlogRepo(pools[pools.push(openPgDatabase(parseDatabaseUrl(t.url), { max: 4 })) - 1]!);

beforeAll(async () => {
  if (!skip) t = (await testDatabase())!;
});
afterAll(async () => {
  for (const p of pools) await p.close();
  await t?.drop();
});

describe.skipIf(skip !== undefined)(`LogAppender on three replicas of one database${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const key = newKey();
  let replicas: LogAppender[];

  test("started together on an empty log: one empty checkpoint, every replica opens", async () => {
    replicas = [0, 1, 2].map(() => new LogAppender(replicaRepo(), identityOf(key), clock));
    await Promise.all(replicas.map((r) => r.open()));
    const repo = replicaRepo();
    expect([await repo.size(), (await repo.latestCheckpoint())?.size]).toEqual([0, 0]);
  });

  test("90 entries appended through the three at once: indexes 0..89 once each, every proof checks against its checkpoint, all checkpoints consistent", async () => {
    const bodies = Array.from({ length: 90 }, (_, n) => new TextEncoder().encode(`entry ${n}`));
    // In waves, so that the replicas' batches meet at the same sizes.
    const logged: LoggedEntry[] = [];
    for (let w = 0; w < 90; w += 15) logged.push(...(await Promise.all(bodies.slice(w, w + 15).map((b, i) => replicas[(w + i) % 3]!.append(b)))));
    expect(logged.map((e) => e.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 90 }, (_, i) => i));
    const verifier = noteVerifier(ORIGIN, createPublicKey(key));
    for (const e of logged) {
      const cp = parseCheckpoint(verifier.verify(e.checkpoint));
      expect([cp.size, Buffer.from(cp.root).equals(Buffer.from(e.rootHash))]).toEqual([e.treeSize, true]);
      expect(verifyInclusion(e.index, e.treeSize, leafHash(e.body), e.proof, e.rootHash)).toBe(true);
    }
    const repo = replicaRepo();
    const newest = (await repo.latestCheckpoint())!;
    expect(newest.size).toBe(90);
    const sizes = [...new Set(logged.map((e) => e.treeSize))].sort((a, b) => a - b);
    for (const s of sizes) {
      const at = (await repo.checkpointAt(s))!;
      const proof = await new TileFetch((l, i) => repo.tile(l, i)).run((read) => consistencyProof(s, newest.size, read));
      expect(verifyConsistency(s, newest.size, proof, at.root, newest.root)).toBe(true);
    }
    for (const [i, b] of (await repo.bodies(0, 90)).entries()) expect(logged.find((e) => e.index === i)!.body).toEqual(b);
  });

  test("one body through every replica at once is one entry, with one index for all", async () => {
    const body = new TextEncoder().encode("the same bundle");
    const got = await Promise.all([0, 1, 2, 0, 1, 2].map((r) => replicas[r]!.append(body)));
    expect(new Set(got.map((e) => e.index)).size).toBe(1);
    expect(await replicaRepo().size()).toBe(91);
  });

  test("a replica with another log key is refused at start and at append; the log is left as it was", async () => {
    const stranger = new LogAppender(replicaRepo(), identityOf(newKey()), clock);
    const opened = stranger.open().then(() => "opened", (e: Error) => e.message);
    expect(await opened).toMatch(/signed by another key: its checkpoint at size 91 carries log\.example key ID [0-9a-f]{8}, this server's log key is log\.example key ID [0-9a-f]{8}/);
    await expect(stranger.append(new TextEncoder().encode("forked"))).rejects.toThrow(/signed by another key/);
    const renamed = new LogAppender(replicaRepo(), identityOf(key, "other.example"), clock);
    await expect(renamed.open()).rejects.toThrow(/origin log\.example, not other\.example/);
    expect(await replicaRepo().size()).toBe(91);
  });
});

describe.skipIf(skip !== undefined)("two log keys starting one new log at once", () => {
  test("one of them starts the log, the other is refused", async () => {
    const fresh = (await testDatabase())!;
    const extra: PgDatabase[] = [];
    try {
      const repo = () => new PgTlogRepo(extra[extra.push(openPgDatabase(parseDatabaseUrl(fresh.url), { max: 2 })) - 1]!);
      const results = await Promise.all([newKey(), newKey()].map((k) => new LogAppender(repo(), identityOf(k), clock).open().then(() => "ok", (e: Error) => e.message)));
      expect(results.filter((r) => r === "ok")).toHaveLength(1);
      expect(results.find((r) => r !== "ok")).toMatch(/signed by another key/);
    } finally {
      for (const p of extra) await p.close();
      await fresh.drop();
    }
  });
});
