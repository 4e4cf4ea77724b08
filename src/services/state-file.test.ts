import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatWriter, selfWriter } from "../store/cas/writer.ts";
import { expectCode } from "../test-helpers.ts";
import { isStale, StateFile } from "./state-file.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function deadPid(): Promise<number> {
  const p = Bun.spawn(["true"]);
  await p.exited;
  return p.pid;
}

describe("StateFile lock", () => {
  test("a lock left by a killed process is broken at once: the next command just works", async () => {
    const sf = new StateFile(join(dir, "a.json"));
    const me = selfWriter();
    writeFileSync(`${sf.path}.lock`, formatWriter({ ...me, pid: await deadPid() }));
    const t = Date.now();
    const release = await sf.lock();
    expect(Date.now() - t).toBeLessThan(1000);
    release();
    expect(existsSync(`${sf.path}.lock`)).toBe(false);
  });

  test("stale: a dead owner at once; a live owner never; another host's after a minute; an ownerless (torn) lock after 2 s", async () => {
    const lock = join(dir, "b.lock");
    const me = selfWriter();
    const live = Bun.spawn(["sleep", "30"]);
    try {
      writeFileSync(lock, "x");
      expect(isStale(lock, formatWriter({ ...me, pid: await deadPid() }))).toBe(true);
      expect(isStale(lock, formatWriter({ ...me, pid: live.pid }))).toBe(false);
      expect(isStale(lock, formatWriter({ ...me, boot: me.boot === "0" ? "0" : "00000000" }))).toBe(me.boot !== "0");
      expect(isStale(lock, formatWriter({ ...me, host: "00000000" }))).toBe(false);
      expect(isStale(lock, "")).toBe(false);
      const old = new Date(Date.now() - 120_000);
      utimesSync(lock, old, old);
      expect(isStale(lock, formatWriter({ ...me, host: "00000000" }))).toBe(true);
      expect(isStale(lock, "")).toBe(true);
    } finally {
      live.kill();
    }
  });

  test("taking the lock removes the state's temp files a killed writer left, never a live one's", async () => {
    const sf = new StateFile(join(dir, "e.json"));
    // writeFileAtomic's names: `.<file>.<pid>.<host>.<boot>.<uuid>.tmp` (writer.ts)
    const me = selfWriter();
    const named = (file: string, pid: number) => join(dir, `.${file}.${pid}.${me.host}.${me.boot}.${crypto.randomUUID()}.tmp`);
    const dead = named("e.json", await deadPid());
    const deadReceipt = named("e.json.pushed", await deadPid());
    const mine = named("e.json", process.pid);
    for (const f of [dead, deadReceipt, mine]) writeFileSync(f, "{");
    (await sf.lock())();
    expect([existsSync(dead), existsSync(deadReceipt), existsSync(mine)]).toEqual([false, false, true]);
  });

  test("release never removes a lock that is no longer this process's", async () => {
    const sf = new StateFile(join(dir, "c.json"));
    const release = await sf.lock();
    writeFileSync(`${sf.path}.lock`, "someone else");
    release();
    expect(existsSync(`${sf.path}.lock`)).toBe(true);
  });
});

describe("StateFile push receipt", () => {
  test("retire leaves the receipt and no state; read still says STATE_MISSING; a new state drops the receipt", async () => {
    const sf = new StateFile(join(dir, "d.json"));
    writeFileSync(sf.path, "{}");
    const receipt = { runId: "r1", digest: `sha256:${"a".repeat(64)}`, pushedAt: "2026-01-01T00:00:00.000Z" };
    sf.retire(receipt);
    expect(sf.exists()).toBe(false);
    expect(sf.pushed()).toEqual(receipt);
    await expectCode(() => sf.read(), "STATE_MISSING");
    sf.write({ version: 1 } as never);
    expect(sf.pushed()).toBeUndefined();
    sf.retire(receipt);
    sf.remove();
    expect(sf.pushed()).toBeUndefined();
  });
});
