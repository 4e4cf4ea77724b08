// The crash suite, local commands: kill -9 at seeded random points of `att add` (large files), `att push`,
// `import` and `store gc`, and after each: the user's next command just works, nothing is left behind, fsck is
// clean, and every attestation a push acknowledged is stored and verifies. crash-serve.test.ts does `cairn serve`.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./harness.ts";
import { crashSeed, digestOf, expectSound, expectStored, killAfter, leftovers, prng } from "./crash.harness.ts";

const rand = prng(crashSeed("crash-local"));
const sb = new Sandbox();
const acknowledged = new Set<string>();
let kills = 0;

/**
 * Runs `round` until it has killed `target` processes (a round returns whether its kill landed before the process
 * finished), within `seconds`: bounded in time, and the count of kills does not depend on the machine's speed.
 */
async function rounds(target: number, seconds: number, round: (i: number) => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let landed = 0;
  for (let i = 0; landed < target && Date.now() < deadline; i++) if (await round(i)) landed++;
  kills += landed;
  expect(landed).toBe(target);
}
beforeAll(() => {
  sb.ok(["keys", "generate"]);
});
afterAll(() => {
  console.log(`crash-local: ${kills} kills`);
  sb.cleanup();
});

/** Distinct bytes per call: every add stores a new blob (the rename into place is among the kill points). */
function bigFile(name: string, mib: number, n: number): string {
  const buf = Buffer.alloc(mib * 1024 * 1024);
  for (let i = 0; i < buf.length; i += 4096) buf.writeUInt32LE((n * 2654435761 + i) >>> 0, i);
  writeFileSync(sb.path(name), buf);
  return name;
}

function push(env: Record<string, string> = {}): string {
  const d = digestOf(sb.ok(["att", "push", "--key", "cosign.key", "-o", "json"], env));
  acknowledged.add(d);
  return d;
}

test("att add of a large file, killed anywhere: the same add again just works, no leftovers, fsck clean", async () => {
  const state = sb.path("job", "add.state.json"); // a job's own state file (--local-state-path / CAIRN_STATE_PATH)
  const env = { CAIRN_STATE_PATH: state };
  sb.ok(["att", "init", "--workflow", "add", "--project", "crash"], env);
  await rounds(30, 40, async (i) => {
    const args = ["att", "add", "--name", `big${i % 4}`, "--kind", "ARTIFACT", "--value", bigFile("big.bin", 8, i)];
    const r = await killAfter(sb, args, rand(0, 160), env);
    if (!r.killed) expect(r.code).toBe(0);
    sb.ok(args, env);
    expect(leftovers(sb.home, state)).toEqual([]);
    expectSound(sb, "cosign.pub");
    return r.killed;
  });
  push(env);
  expectStored(sb.home, acknowledged);
}, 60_000);

test("att push killed anywhere: push again completes it or answers with the stored digest", async () => {
  writeFileSync(sb.path("small.bin"), "small\n");
  await rounds(22, 40, async () => {
    sb.ok(["att", "init", "--workflow", "push", "--project", "crash", "--replace"]);
    sb.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "small.bin"]);
    const r = await killAfter(sb, ["att", "push", "--key", "cosign.key", "-o", "json"], rand(0, 400));
    if (!r.killed) acknowledged.add(digestOf(r));
    const again = push();
    if (!r.killed) expect(again).toBe(digestOf(r)); // "already pushed: sha256:…"
    expect(leftovers(sb.home, sb.statePath)).toEqual([]);
    expectSound(sb, "cosign.pub");
    return r.killed;
  });
  expectStored(sb.home, acknowledged);
}, 60_000);

test("import killed anywhere: import again works, its staging is gone, fsck clean on the importing home", async () => {
  sb.ok(["att", "init", "--workflow", "import", "--project", "crash", "--replace"]);
  sb.ok(["att", "add", "--name", "big", "--kind", "ARTIFACT", "--value", bigFile("export.bin", 48, 999)]);
  push();
  sb.ok(["export", "--workflow", "import", "-o", "evidence.tar"]);
  const dst = { CAIRN_HOME: sb.path("imported") };
  await rounds(12, 30, async () => {
    const r = await killAfter(sb, ["import", "evidence.tar", "--trusted-key", "cosign.pub"], rand(0, 450), dst);
    if (!r.killed) expect(r.code).toBe(0);
    sb.ok(["import", "evidence.tar", "--trusted-key", "cosign.pub"], dst);
    expect(leftovers(dst.CAIRN_HOME)).toEqual([]);
    expectSound(sb, "cosign.pub", dst.CAIRN_HOME);
    return r.killed;
  });
}, 60_000);

test("store gc --grace 0s killed anywhere beside adds of a job's own state file: no material lost, push verifies", async () => {
  const state = sb.path("job", "gc.state.json");
  const env = { CAIRN_STATE_PATH: state };
  sb.ok(["att", "init", "--workflow", "gc", "--project", "crash"], env);
  await rounds(12, 30, async (i) => {
    const add = killAfter(sb, ["att", "add", "--name", `m${i}`, "--kind", "ARTIFACT", "--value", bigFile(`gc${i}.bin`, 3, 1000 + i)], 30_000, env);
    const gc = await killAfter(sb, ["store", "gc", "--grace", "0s"], rand(0, 150));
    if (!gc.killed) expect(gc.code).toBe(0);
    expect((await add).code).toBe(0);
    sb.ok(["store", "gc", "--grace", "0s"]);
    expect(leftovers(sb.home, state)).toEqual([]);
    expectSound(sb, "cosign.pub");
    return gc.killed;
  });
  push(env); // refuses if any uploaded material were gone
  expect(existsSync(state)).toBe(false);
  expectSound(sb, "cosign.pub");
  expectStored(sb.home, acknowledged);
}, 60_000);
