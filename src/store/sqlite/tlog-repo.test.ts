import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "./db.ts";
import { SqliteTlogRepo } from "./tlog-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-tlog-repo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const h = (n: number) => new Uint8Array(32).fill(n);
const cp = (size: number) => ({ size, root: h(200 + size), note: `origin\n${size}\nroot\n\n— origin sig\n`, createdAt: "2026-12-03T00:00:00.000Z" });

describe("SqliteTlogRepo", () => {
  const db = openDatabase(join(dir, "cairn.db"));
  const repo = new SqliteTlogRepo(db);

  test("empty, then one transaction of entries, tiles and checkpoint", () => {
    expect([repo.size(), repo.latestCheckpoint(), repo.tile(0, 0)]).toEqual([0, undefined, undefined]);
    repo.append(0, { bodies: [], bodyHashes: [], tiles: [], checkpoint: cp(0) }, "t0");
    repo.append(0, { bodies: [new Uint8Array([1]), new Uint8Array([2])], bodyHashes: [h(1), h(2)], tiles: [{ level: 0, index: 0, data: Buffer.concat([h(11), h(12)]) }], checkpoint: cp(2) }, "t1");
    expect(repo.size()).toBe(2);
    expect(repo.bodies(0, 2)).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
    expect(repo.bodies(1, 5)).toEqual([new Uint8Array([2])]);
    expect(repo.indexOfBody(h(2))).toBe(1);
    expect(repo.indexOfBody(h(9))).toBeUndefined();
    expect(repo.tile(0, 0)!.length).toBe(64);
    expect(repo.latestCheckpoint()).toEqual(cp(2));
    expect(repo.checkpointAt(0)).toEqual(cp(0));
    expect(repo.checkpointAt(1)).toBeUndefined();
  });

  test("a batch prepared for another size is refused whole: nothing of it is stored", () => {
    expect(() => repo.append(1, { bodies: [new Uint8Array([3])], bodyHashes: [h(3)], tiles: [], checkpoint: cp(2) }, "t2")).toThrow(/grew to 2/);
    expect([repo.size(), repo.indexOfBody(h(3))]).toEqual([2, undefined]);
  });

  test("a duplicate body fails the transaction; the tile grows but is never rewritten; entries and checkpoints are append-only", () => {
    expect(() => repo.append(2, { bodies: [new Uint8Array([1])], bodyHashes: [h(1)], tiles: [], checkpoint: cp(3) }, "t3")).toThrow();
    expect(repo.size()).toBe(2);
    repo.append(2, { bodies: [new Uint8Array([3])], bodyHashes: [h(3)], tiles: [{ level: 0, index: 0, data: Buffer.concat([h(11), h(12), h(13)]) }], checkpoint: cp(3) }, "t3");
    expect(repo.tile(0, 0)!.length).toBe(96);
    expect(() => repo.append(3, { bodies: [new Uint8Array([4])], bodyHashes: [h(4)], tiles: [{ level: 0, index: 0, data: Buffer.concat([h(99), h(12), h(13), h(14)]) }], checkpoint: cp(4) }, "t4")).toThrow(/only grow/);
    expect(repo.size()).toBe(3);
    expect(() => db.exec("UPDATE tlog_entries SET body = x'00' WHERE idx = 0")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM tlog_entries WHERE idx = 2")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM tlog_checkpoints")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM tlog_tiles")).toThrow(/append-only/);
  });
});
