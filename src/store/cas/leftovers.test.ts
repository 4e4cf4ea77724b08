import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskBlobStore } from "./disk-blob-store.ts";
import { isLeftover, scanTmp, sweepTmp } from "./leftovers.ts";
import { selfWriter, writerName } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-leftovers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function deadName(prefix = ""): Promise<string> {
  const p = Bun.spawn(["true"]);
  await p.exited;
  const me = selfWriter();
  return `${prefix}${p.pid}.${me.host}.${me.boot}.${crypto.randomUUID()}`;
}

test("scan tells each cas/tmp entry's writer; sweep removes the dead ones' at any age, never a live one's", async () => {
  const cas = join(dir, "a");
  const tmp = join(cas, "tmp");
  const deadFile = await deadName();
  const deadDir = await deadName("import-");
  mkdirSync(join(tmp, deadDir), { recursive: true });
  writeFileSync(join(tmp, deadDir, "x"), "1234");
  writeFileSync(join(tmp, deadFile), "12");
  writeFileSync(join(tmp, writerName()), "mine");
  writeFileSync(join(tmp, "bare"), "old");
  mkdirSync(join(tmp, "someone-elses-dir"));
  const scanned = await scanTmp(cas);
  expect(scanned.map((e) => [e.name === deadFile || e.name === deadDir ? "dead" : e.name === "bare" ? "bare" : "mine", e.writer, e.size]).sort()).toEqual([
    ["bare", "unknown", 3],
    ["dead", "dead", 2],
    ["dead", "dead", 4],
    ["mine", "alive", 4],
  ]);
  const old = new Date(Date.now() - 7_200_000);
  utimesSync(join(tmp, "bare"), old, old);
  expect(scanned.filter((e) => isLeftover(e, Date.now(), 3_600_000)).length).toBe(2); // bare's scan predates the utimes
  expect((await sweepTmp(cas, { dryRun: true })).length).toBe(2);
  expect((await sweepTmp(cas)).map((e) => e.name).sort()).toEqual([deadFile, deadDir].sort());
  expect(existsSync(join(tmp, "bare"))).toBe(true);
  expect((await sweepTmp(cas, { unknownAfterMs: 3_600_000 })).map((e) => e.name)).toEqual(["bare"]);
  expect(existsSync(join(tmp, "someone-elses-dir"))).toBe(true);
});

test("the disk CAS removes dead writers' leftovers before its first write, and names its own temp files", async () => {
  const cas = join(dir, "b");
  mkdirSync(join(cas, "tmp"), { recursive: true });
  const dead = await deadName();
  writeFileSync(join(cas, "tmp", dead), "partial");
  await new DiskBlobStore(cas).putBytes(new TextEncoder().encode("x"));
  expect(existsSync(join(cas, "tmp", dead))).toBe(false);
});
