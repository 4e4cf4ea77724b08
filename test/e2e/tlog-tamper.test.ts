// Tampering with a stopped server's log: a log of 10,000 entries (appended in batches, as a server does) passes
// `cairn log monitor`; then, each on its own copy of the home, one stored entry is changed, the last entries are
// deleted, the tree is rolled back, a checkpoint is re-signed by another key — and the monitor, with the state of
// the clean run, exits 1 naming the first bad index. The intruder drops the append-only triggers first.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { generateKeyPairSync, sign } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { createAppContext } from "../../src/context.ts";
import { LogAppender } from "../../src/services/tlog/appender.ts";
import { serveLogIdentity } from "../../src/services/tlog/identity.ts";
import { canonicalBody } from "../../src/tlog/rekor/body.ts";
import { formatCheckpoint, parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { noteSigner } from "../../src/tlog/note.ts";
import { Sandbox } from "./harness.ts";

const N = 10_000;
const sb = new Sandbox();
const copies: string[] = [];

beforeAll(async () => {
  sb.ok(["ca", "init"]);
  const config = loadConfig({ ...sb.env }, { home: sb.home }, sb.dir, false);
  const app = await createAppContext(config);
  const identity = serveLogIdentity(sb.home, "http://127.0.0.1:9", undefined)!;
  const log = new LogAppender(app.tlog, identity, app.clock);
  await log.open();
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  for (let batch = 0; batch < N / 1000; batch++) {
    const pending = [];
    for (let i = 0; i < 1000; i++) {
      const data = Buffer.from(`artifact ${batch * 1000 + i}`);
      const digest = new Uint8Array(new Bun.CryptoHasher("sha256").update(data).digest());
      const signature = new Uint8Array(sign("sha256", data, privateKey));
      pending.push(log.append(canonicalBody({ digest, algorithm: "SHA2_256", signature, verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", publicKey: spki } })));
    }
    await Promise.all(pending);
  }
  await app.close();
  const clean = sb.run(["log", "monitor", "--state", "clean.json", "-o", "json"]);
  expect(clean.code).toBe(0);
}, 120_000);
afterAll(() => {
  for (const c of copies) rmSync(c, { recursive: true, force: true });
  sb.cleanup();
});

/** A copy of the home with `sql` applied, and the monitor run on it with the clean run's state. */
function tampered(sql: (db: Database) => void): { code: number; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "cairn-tamper-"));
  copies.push(dir);
  cpSync(sb.home, join(dir, "home"), { recursive: true });
  cpSync(sb.path("clean.json"), join(dir, "state.json"));
  const db = new Database(join(dir, "home", "cairn.db"));
  sql(db);
  db.close();
  const r = sb.run(["log", "monitor", "--home", join(dir, "home"), "--state", join(dir, "state.json")], {}, dir);
  return { code: r.code, stderr: r.stderr };
}

describe("cairn log monitor on a tampered store", () => {
  test("the clean log of 10,000 entries passed, and a second run finds nothing new", () => {
    const again = sb.json<{ size: number; appended: unknown[] }>(["log", "monitor", "--state", "clean.json"]);
    expect(again).toMatchObject({ size: N, appended: [] });
  });

  test("one stored entry changed: reported with its index", () => {
    const r = tampered((db) => {
      db.exec("DROP TRIGGER tlog_entries_no_update");
      db.query("UPDATE tlog_entries SET body = ? WHERE idx = 1234").run(Buffer.from('{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{}}'));
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("entry 1234 was rewritten");
  });

  test("the last entries deleted: the first missing index is named", () => {
    const r = tampered((db) => {
      db.exec("DROP TRIGGER tlog_entries_no_delete");
      db.exec(`DELETE FROM tlog_entries WHERE idx >= ${N - 10}`);
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`entry ${N - 10} is missing`);
  });

  test("the tree rolled back to an older checkpoint: the shrink is reported", () => {
    const r = tampered((db) => {
      db.exec("DROP TRIGGER tlog_entries_no_delete; DROP TRIGGER tlog_checkpoints_no_delete");
      db.exec("DELETE FROM tlog_entries WHERE idx >= 9000; DELETE FROM tlog_checkpoints WHERE size > 9000");
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`shrank from ${N} to 9000 entries; the first missing index is 9000`);
  });

  test("a checkpoint signed by another key is refused", () => {
    const r = tampered((db) => {
      const row = db.query("SELECT size, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1").get() as { size: number; note: string };
      const cp = parseCheckpoint(row.note.slice(0, row.note.indexOf("\n\n") + 1));
      const forged = noteSigner(cp.origin, generateKeyPairSync("ed25519").privateKey).sign(formatCheckpoint(cp));
      db.exec("DROP TRIGGER tlog_checkpoints_no_update");
      db.query("UPDATE tlog_checkpoints SET note = ? WHERE size = ?").run(forged, row.size);
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not signed by the log key");
  });
});
