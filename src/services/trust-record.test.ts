import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../store/sqlite/db.ts";
import { sqliteStore } from "../store/sqlite/store.ts";
import { checkTrustRecord, type TrustRecord } from "./trust-record.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-trust-record-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const first: TrustRecord = { version: 1, publicUrl: "https://cairn.example", ca: "sha256:aa", tsa: "sha256:bb", oidcKey: "k1", log: "cairn.example 01020304" };
const message = (p: Promise<unknown>) => p.then(() => "started", (e: Error & { hint?: string }) => `${e.message} | ${e.hint}`);

describe("checkTrustRecord", () => {
  const store = sqliteStore(openDatabase(join(dir, "cairn.db")));

  test("a home without CA or log records nothing; the first one that signs is recorded; the same again starts", async () => {
    await checkTrustRecord(store.trustRecord, { version: 1, publicUrl: "http://127.0.0.1:1" });
    expect(await store.trustRecord.get()).toBeUndefined();
    await checkTrustRecord(store.trustRecord, first);
    expect(JSON.parse((await store.trustRecord.get())!)).toEqual(first);
    expect(await message(checkTrustRecord(store.trustRecord, { ...first }))).toBe("started");
  });

  test("each difference is named with its fix; a replica without the CA is refused too", async () => {
    const other = await message(checkTrustRecord(store.trustRecord, { ...first, ca: "sha256:cc", oidcKey: "k2" }));
    expect(other).toContain("does not sign as the other replicas of this database: CA sha256:cc, the replicas' sha256:aa; OIDC key k2, the replicas' k1");
    expect(other).toContain("copy <home>/ca from a replica of this database; copy <home>/oidc/signing.key");
    const url = await message(checkTrustRecord(store.trustRecord, { ...first, publicUrl: "http://10.0.0.7:8080" }));
    expect(url).toContain("same --public-url");
    const bare = await message(checkTrustRecord(store.trustRecord, { version: 1, publicUrl: first.publicUrl, oidcKey: "k1" }));
    expect(bare).toContain("CA none, the replicas' sha256:aa");
  });

  test("--adopt-trust records this replica's; a home with nothing to record is refused", async () => {
    const next = { ...first, ca: "sha256:dd", tsa: "sha256:ee" };
    await checkTrustRecord(store.trustRecord, next, { adopt: true });
    expect(await message(checkTrustRecord(store.trustRecord, next))).toBe("started");
    expect(await message(checkTrustRecord(store.trustRecord, first))).toContain("CA sha256:aa, the replicas' sha256:dd");
    expect(await message(checkTrustRecord(store.trustRecord, { version: 1, publicUrl: "x" }, { adopt: true }))).toContain("no CA and no transparency log key");
  });
});
