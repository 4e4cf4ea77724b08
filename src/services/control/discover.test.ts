import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import type { PushResult } from "../crafting/push.ts";
import { discover, type DiscoverNode } from "./discover.ts";
import { pushRun, testStore } from "./runs.testutil.ts";

const sha = (b: string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const brief = (n: DiscoverNode) => [n.kind, n.digest, n.run?.id ?? null];

/** A git repository with one commit, so both attestations carry the git.head subject. */
function gitCommit(dir: string): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" };
  for (const args of [["init", "-q"], ["add", "app.bin"], ["commit", "-qm", "first"]]) {
    const p = Bun.spawnSync(["git", ...args], { cwd: dir, env });
    if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${p.stderr.toString()}`);
  }
  return Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: dir }).stdout.toString().trim();
}

describe("discover: the referrer graph of two chained workflows", async () => {
  const s = await testStore();
  let a: PushResult;
  let b: PushResult;
  let head = "";

  beforeAll(async () => {
    s.file("app.bin", "built by A\n");
    s.file("notes.txt", "release notes\n");
    head = gitCommit(s.dir);
    a = await pushRun(s, "build", "skynet", [
      { name: "binary", kind: "ARTIFACT", value: "app.bin" },
      { name: "notes", kind: "ARTIFACT", value: "notes.txt" },
    ]);
    writeFileSync(join(s.dir, "a.bundle.json"), await s.app.blobs.read(a.digest));
    b = await pushRun(s, "release", "skynet", [
      { name: "binary", kind: "ARTIFACT", value: "app.bin" },
      { name: "upstream", kind: "ATTESTATION", value: "a.bundle.json" },
      { name: "notes", kind: "EVIDENCE", value: "notes.txt" },
    ]);
  });
  afterAll(() => s.cleanup());
  const aRefs = () =>
    [
      ["ARTIFACT", sha("built by A\n"), null],
      ["ARTIFACT", sha("release notes\n"), null],
      ["GIT_HEAD_COMMIT", `sha1:${head}`, null],
    ].sort((x, y) => (x[1]! < y[1]! ? -1 : 1));

  test("from A's attestation: its materials and commit, and B referring to it", async () => {
    const r = await discover(s.app, { digest: a.digest });
    expect(r.kind).toBe("ATTESTATION");
    expect(r.run).toEqual({ id: a.runId!, workflow: "build", project: "skynet", state: "succeeded", policyStatus: "none" });
    expect(r.metadata).toMatchObject({ workflow: "build", project: "skynet", runId: a.runId! });
    // node-id order, which is the order push indexed them: by digest, so sha1: before sha256:
    expect(r.references.map(brief)).toEqual(aRefs());
    expect(r.referredBy.map(brief)).toEqual([["ATTESTATION", b.digest, b.runId!]]);
    expect(r.referredBy[0]!.run).toEqual({ id: b.runId!, workflow: "release", project: "skynet", state: "succeeded", policyStatus: "none" });
    expect(r.next).toBeUndefined();
  });

  test("from B's attestation: A's attestation is one of its references, with A's run", async () => {
    const r = await discover(s.app, { digest: b.digest });
    expect(r.references.map(brief)).toContainEqual(["ATTESTATION", a.digest, a.runId!]);
    expect(r.referredBy).toEqual([]);
  });

  test("from the artifact and from the git commit: both attestations", async () => {
    const bin = await discover(s.app, { digest: sha("built by A\n") });
    expect([bin.kind, bin.downloadable, bin.metadata.name]).toEqual(["ARTIFACT", true, "app.bin"]);
    expect(bin.references).toEqual([]);
    expect(bin.referredBy.map(brief)).toEqual([
      ["ATTESTATION", a.digest, a.runId!],
      ["ATTESTATION", b.digest, b.runId!],
    ]);
    const commit = await discover(s.app, { digest: `SHA1:${head.toUpperCase()}` });
    expect(commit.kind).toBe("GIT_HEAD_COMMIT");
    expect(commit.referredBy.map((n) => n.run?.workflow)).toEqual(["build", "release"]);
  });

  test("a digest recorded as several kinds needs --kind", async () => {
    const notes = sha("release notes\n");
    const e = await expectCode(() => discover(s.app, { digest: notes }), "USAGE");
    expect(e.details).toEqual({ kinds: ["ARTIFACT", "EVIDENCE"] });
    expect((await discover(s.app, { digest: notes, kind: "evidence" })).referredBy.map(brief)).toEqual([["ATTESTATION", b.digest, b.runId!]]);
    await expectCode(() => discover(s.app, { digest: notes, kind: "SARIF" }), "NOT_FOUND");
  });

  test("pages: one cursor walks both lists to the end", async () => {
    const p1 = await discover(s.app, { digest: a.digest, limit: 1 });
    expect([p1.references.length, p1.referredBy.length]).toEqual([1, 1]);
    const p2 = await discover(s.app, { digest: a.digest, limit: 1, next: p1.next });
    expect(p2.referredBy).toEqual([]);
    const p3 = await discover(s.app, { digest: a.digest, limit: 1, next: p2.next });
    expect(p3.next).toBeUndefined();
    expect([p1, p2, p3].flatMap((p) => p.references.map(brief))).toEqual(aRefs());
  });

  test("unknown digest is NOT_FOUND; malformed digest or cursor is USAGE", async () => {
    await expectCode(() => discover(s.app, { digest: sha("never seen") }), "NOT_FOUND");
    await expectCode(() => discover(s.app, { digest: "app.bin" }), "USAGE");
    await expectCode(() => discover(s.app, { digest: "sha256:abc" }), "USAGE");
    await expectCode(() => discover(s.app, { digest: a.digest, next: Buffer.from('["x",1]').toString("base64url") }), "USAGE");
  });
});
