import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./harness.ts";

interface Pushed {
  digest: string;
  runId: string;
}
interface FsckJson {
  ok: boolean;
  counts: Record<string, number>;
  problems: { kind: string; digest: string; referencedBy?: string[]; actual?: string }[];
  orphans: { digest: string }[];
}

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const DAY = 86_400_000;

describe("store fsck and gc through the compiled binary", () => {
  const sb = new Sandbox();
  let first: Pushed;
  let second: Pushed;
  const artifactA = "artifact A\n";
  const artifactB = "artifact B\n";
  const blob = (digest: string) => join(sb.home, "cas", "sha256", digest.slice(7, 9), digest.slice(7));
  const age = (path: string, ms: number) => {
    const t = new Date(Date.now() - ms);
    utimesSync(path, t, t);
  };

  beforeAll(() => {
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    sb.ok(["keys", "generate", "--output-prefix", "other"]);
    const push = (wf: string, content: string): Pushed => {
      writeFileSync(sb.path(`${wf}.bin`), content);
      sb.ok(["att", "init", "--workflow", wf, "--project", "skynet"]);
      sb.ok(["att", "add", "--name", "bin", "--value", `${wf}.bin`, "--kind", "ARTIFACT"]);
      return sb.json<Pushed>(["att", "push", "--key", "cosign.key"]);
    };
    first = push("build", artifactA);
    second = push("test", artifactB);
  });
  afterAll(() => sb.cleanup());

  test("fsck verifies every bundle with the organization's registered keys: unregistered, each is named with its run; --key adds a key", () => {
    const unregistered = sb.run(["store", "fsck", "-o", "json"]);
    expect(unregistered.code).toBe(1);
    const bad = (JSON.parse(unregistered.stdout) as FsckJson).problems as { kind: string; digest: string; runId?: string }[];
    expect(bad.map((p) => [p.kind, p.digest, p.runId]).sort()).toEqual([["bad-signature", first.digest, first.runId], ["bad-signature", second.digest, second.runId]].sort());
    const table = sb.run(["store", "fsck"]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain(`run ${first.runId}`);
    expect(sb.json<FsckJson>(["store", "fsck", "--key", "cosign.pub"]).counts).toMatchObject({ signaturesVerified: 2 });
    expect(sb.run(["store", "fsck", "--key", "other.pub"]).code).toBe(1);
  });

  test("a clean store passes once the signer's key is registered, without --key; another --key does not hurt", () => {
    sb.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
    const r = sb.json<FsckJson>(["store", "fsck"]);
    expect(r.ok).toBe(true);
    expect(r.counts).toMatchObject({ blobs: 4, attestations: 2, signaturesVerified: 2, corrupt: 0, missing: 0 });
    expect(sb.ok(["store", "fsck", "--key", "other.pub"]).stdout).toContain("Store OK");
    expect(sb.run(["store", "fsck", "--deep"]).code).toBe(2); // --deep re-hashes what backends hold: it needs --remote
  });

  test("gc keeps referenced and recent blobs, removes old orphans and tmp leftovers; --dry-run removes nothing", () => {
    const cas = join(sb.home, "cas");
    const orphanOld = "an old orphan\n";
    const orphanNew = "a new orphan\n";
    for (const content of [orphanOld, orphanNew]) {
      const d = sha(content);
      mkdirSync(join(blob(d), ".."), { recursive: true });
      writeFileSync(blob(d), content);
    }
    for (const d of [first.digest, second.digest, sha(artifactA), sha(artifactB), sha(orphanOld)]) age(blob(d), 3 * DAY);
    writeFileSync(join(cas, "tmp", "leftover"), "partial");
    age(join(cas, "tmp", "leftover"), 3 * DAY);

    const dry = sb.json<{ removed: { digest: string }[]; tmpRemoved: { name: string }[]; bytesFreed: number }>(["store", "gc", "--dry-run"]);
    expect(dry.removed.map((b) => b.digest)).toEqual([sha(orphanOld)]);
    expect(dry.tmpRemoved.map((t) => t.name)).toEqual(["leftover"]);
    expect(dry.bytesFreed).toBe(orphanOld.length + "partial".length);
    expect(existsSync(blob(sha(orphanOld)))).toBe(true);

    const real = sb.ok(["store", "gc"]);
    expect(real.stdout).toContain(sha(orphanOld));
    expect(real.stdout).toContain("Bytes Freed");
    expect(existsSync(blob(sha(orphanOld)))).toBe(false);
    expect(existsSync(join(cas, "tmp", "leftover"))).toBe(false);
    for (const d of [first.digest, second.digest, sha(artifactA), sha(artifactB), sha(orphanNew)]) expect(existsSync(blob(d))).toBe(true);
    const after = sb.json<FsckJson>(["store", "fsck"]);
    expect([after.ok, after.orphans.map((o) => o.digest)]).toEqual([true, [sha(orphanNew)]]);
    // a shorter grace collects the new orphan too
    age(blob(sha(orphanNew)), 2 * 3_600_000);
    expect(sb.json<{ removed: { digest: string }[] }>(["store", "gc", "--grace", "1h"]).removed.map((b) => b.digest)).toEqual([sha(orphanNew)]);
    expect(sb.run(["store", "gc", "--grace", "later"]).code).toBe(2);
  });

  test("fsck finds a flipped byte and a deleted blob, names both digests and exits 1", () => {
    const snapshot = sb.path("cas-backup");
    cpSync(join(sb.home, "cas"), snapshot, { recursive: true });
    const path = blob(sha(artifactA));
    const bytes = readFileSync(path);
    bytes[0]! ^= 0x01;
    writeFileSync(path, bytes);
    rmSync(blob(second.digest));

    const r = sb.run(["store", "fsck", "-o", "json"]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as FsckJson).problems).toEqual([
      { kind: "corrupt", digest: sha(artifactA), actual: sha(bytes), path } as never,
      { kind: "missing", digest: second.digest, referencedBy: ["attestation", "referrer"] },
    ]);
    const table = sb.run(["store", "fsck"]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain(sha(artifactA));
    expect(table.stdout).toContain(second.digest);
    expect(table.stderr).toContain("ERR store has 2 problems");
    // gc never "repairs" by deleting: the corrupt blob is still referenced
    sb.ok(["store", "gc", "--grace", "1s"]);
    expect(existsSync(path)).toBe(true);

    rmSync(join(sb.home, "cas"), { recursive: true });
    cpSync(snapshot, join(sb.home, "cas"), { recursive: true });
    expect(sb.run(["store", "fsck"]).code).toBe(0);
  });
});
