// Export/import of runs whose push a policy gate blocked: the state and policy status come from the signed statement.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { storeDb } from "../../test-helpers.ts";
import { expectCode } from "../../test-helpers.ts";
import { counts } from "../control/ingest.testutil.ts";
import { pushGated, pushRun, testStore } from "../control/runs.testutil.ts";
import { exportEvidence } from "./export.ts";
import { importEvidence } from "./import.ts";
import { rewriteTar, type TarEntry } from "./tar.testutil.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

const a = await testStore();
let blocked = "";
let plain = "";
let tarPath = "";

beforeAll(async () => {
  blocked = await pushGated(a, "scan", "skynet", "banned");
  plain = (await pushRun(a, "build", "skynet", [])).runId!;
  // as if `cairn serve` had recorded who pushed it
  storeDb(a.app).query("UPDATE workflow_runs SET pushed_by = 'ci-token' WHERE id = ?").run(blocked);
  tarPath = join(a.dir, "evidence.tar");
  await exportEvidence(a.app, { output: "evidence.tar" });
});
afterAll(() => a.cleanup());

/** runs.json edited, and its manifest entry with it (so only the run's claims differ, not the tar's integrity). */
function editRuns(edit: (runs: { id: string; state: string }[]) => void) {
  return (es: TarEntry[]): TarEntry[] => {
    const runs = es.find((e) => e.header.name === "runs.json")!;
    const doc = JSON.parse(runs.body.toString());
    edit(doc);
    const body = Buffer.from(JSON.stringify(doc));
    const m = es.at(-1)!;
    const manifest = JSON.parse(m.body.toString());
    manifest.entries = manifest.entries.map((x: { name: string }) => (x.name === "runs.json" ? { ...x, digest: sha(body), size: body.length } : x));
    return es.map((e) => (e === runs ? { ...e, body } : e === m ? { ...e, body: Buffer.from(JSON.stringify(manifest)) } : e));
  };
}

async function into(file: string) {
  const b = await testStore();
  const r = await importEvidence(b.app, { file, trustedKeys: [a.key.publicKey], allowUnsigned: true }).catch((e) => (b.cleanup(), Promise.reject(e)));
  return { b, r };
}

describe("blocked runs through export and import", () => {
  test("runs.json carries the state, and import keeps it blocked with its policy status and pusher", async () => {
    const { b } = await into(tarPath);
    try {
      expect(await b.app.repo.getRun(blocked)).toMatchObject({ state: "blocked", policyStatus: "blocked", pushedBy: "ci-token", reason: "blocked: 1 gated policy violation" });
      expect(await b.app.repo.getRun(plain)).toMatchObject({ state: "succeeded", policyStatus: "none", pushedBy: "local" });
    } finally {
      b.cleanup();
    }
  });

  test("an export written before the blocked state (it says succeeded) still imports the run as blocked", async () => {
    const old = join(a.dir, "old.tar");
    await rewriteTar(tarPath, old, editRuns((runs) => runs.forEach((r) => ((r.state = "succeeded"), delete (r as { pushedBy?: unknown }).pushedBy))));
    const { b } = await into(old);
    try {
      expect(await b.app.repo.getRun(blocked)).toMatchObject({ state: "blocked", policyStatus: "blocked", pushedBy: null });
    } finally {
      b.cleanup();
    }
  });

  test("runs.json claiming blocked for a run whose signed statement is not blocked is refused, nothing stored", async () => {
    const forged = join(a.dir, "forged.tar");
    await rewriteTar(tarPath, forged, editRuns((runs) => runs.forEach((r) => (r.state = "blocked"))));
    const b = await testStore();
    try {
      const before = counts(b.app);
      const e = await expectCode(() => importEvidence(b.app, { file: forged, trustedKeys: [a.key.publicKey], allowUnsigned: true }), "VERIFY_FAILED");
      expect(e.message).toMatch(/^attestations\/[0-9a-f]{64}\.json: the signed predicate\.policyBlocked is not true, but runs\.json \[\d\] says the run is blocked; nothing was imported$/);
      expect(counts(b.app)).toEqual(before);
    } finally {
      b.cleanup();
    }
  });

  test("any other state in runs.json is refused", async () => {
    const failed = join(a.dir, "failed.tar");
    await rewriteTar(tarPath, failed, editRuns((runs) => void (runs[0]!.state = "failed")));
    const b = await testStore();
    try {
      const e = await expectCode(() => importEvidence(b.app, { file: failed, trustedKeys: [a.key.publicKey], allowUnsigned: true }), "VERIFY_FAILED");
      expect(e.message).toBe(`runs.json [0]: state "failed": an exported run with an attestation is succeeded or blocked`);
    } finally {
      b.cleanup();
    }
  });
});
