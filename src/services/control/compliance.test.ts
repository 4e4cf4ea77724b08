import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { storeDb } from "../../test-helpers.ts";
import { rmSync } from "node:fs";
import { seedEveryState, type Seeded } from "../../server/web/seed.testutil.ts";
import { expectCode } from "../../test-helpers.ts";
import { complianceReport, staleDaysFromEnv, type ComplianceReport, type WorkflowCompliance } from "./compliance.ts";
import { complianceRunsSql } from "../../store/sqlite/workflow-repo.ts";
import { GATED_CONTRACT, pushGated, pushRun, startRun, testStore } from "./runs.testutil.ts";
import { createWorkflow } from "./workflows.ts";

const DAY = 86_400_000;
const byName = (r: ComplianceReport): Record<string, WorkflowCompliance> =>
  Object.fromEntries(r.groups.flatMap((g) => g.workflows).map((w) => [w.name, w]));

describe("compliance of a store with every state", async () => {
  const s = await testStore();
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedEveryState(s);
  });
  afterAll(() => s.cleanup());

  test("each workflow gets its state, with counts per state", async () => {
    const r = await complianceReport(s.app, { staleDays: 7 });
    const states = Object.fromEntries(Object.entries(byName(r)).map(([n, w]) => [n, w.state]));
    expect(states).toEqual(seeded.expected);
    expect(r.counts).toEqual({ never_run: 1, blocked: 1, failing: 2, stale: 1, behind: 1, passing: 1 });
  });

  test("reasons name the cause: the failed run, the missing material, the revisions, the stale days", async () => {
    const w = byName(await complianceReport(s.app, { staleDays: 7 }));
    expect(w.deploy!.reason).toBe("the last run failed");
    expect(w.release!).toMatchObject({ missing: ["sbom"], contractLatestRevision: 2 });
    expect(w.release!.reason).toContain("sbom");
    expect(w.docs!.reason).toBe("the last run used contract revision 1 of 2");
    expect(w.nightly!.reason).toBe("no successful run in 7 days");
    expect(w.audit!.reason).toBe("it has no runs");
    expect(w.scan!.reason).toBe("the last run was blocked: 1 gated policy violation");
    expect(w.scan!.judgedRun).toMatchObject({ id: seeded.blockedRunId, state: "blocked" });
  });

  test("an in-progress last run is skipped: the workflow is judged by the finished run before it", async () => {
    const build = byName(await complianceReport(s.app, { staleDays: 7 })).build!;
    expect(build.lastRun).toMatchObject({ id: seeded.openRunId, state: "initialized" });
    expect(build.judgedRun).toMatchObject({ id: seeded.build.runId, state: "succeeded" });
    expect(build.state).toBe("passing");
  });

  test("the stale threshold is an input: 9 days makes the 8-day-old success current again", async () => {
    expect(byName(await complianceReport(s.app, { staleDays: 9 })).nightly!.state).toBe("passing");
    expect(byName(await complianceReport(s.app, { staleDays: 8 })).nightly!.state).toBe("stale");
  });

  test("grouped by project then team (no team last); a state filter keeps the counts of all", async () => {
    const r = await complianceReport(s.app, { staleDays: 7 });
    expect(r.groups.map((g) => [g.project, g.team, g.workflows.map((w) => w.name)])).toEqual([
      ["orbit", "security", ["audit", "scan"]],
      ["orbit", null, ["deploy"]],
      ["skynet", "platform", ["build", "nightly", "release"]],
      ["skynet", "web", ["docs"]],
    ]);
    const failing = await complianceReport(s.app, { staleDays: 7, state: "failing" });
    expect(failing.groups.flatMap((g) => g.workflows.map((w) => w.name)).sort()).toEqual(["deploy", "release"]);
    expect(failing.counts).toEqual(r.counts);
  });

  test("an unreadable attestation counts as missing what the contract requires, with a warning", async () => {
    const warnings: string[] = [];
    const app = { ...s.app, reporter: { warn: (m: string) => warnings.push(m) } };
    const run = byName(await complianceReport(app, { staleDays: 7 })).release!.judgedRun!;
    const digest = (await s.app.repo.getRun(run.id))!.attestationDigest!;
    rmSync(s.app.blobs.pathFor!(digest));
    expect(byName(await complianceReport(app, { staleDays: 7 })).release!.missing).toEqual(["attestation"]);
    expect(warnings.join()).toContain("store fsck");
  });
});

describe("compliance precedence", () => {
  test("never run > failing > stale > behind > passing (blocked: below)", async () => {
    const s = await testStore();
    try {
      await createWorkflow(s.app, { name: "w", project: "p" });
      const state = async (staleDays = 7) => byName(await complianceReport(s.app, { staleDays })).w!.state;
      expect(await state()).toBe("never_run");
      await startRun(s, "w", "p");
      expect(await state()).toBe("never_run"); // only an in-progress run
      s.advance(2 * 3_600_000); // past the 1h run TTL: the run expired
      expect(await state()).toBe("failing");
      await pushRun(s, "w", "p", []);
      expect(await state()).toBe("passing");
      s.file("c.yaml", "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: p-w\nspec:\n  materials:\n    - {type: STRING, name: x, optional: true}\n");
      const { updateContract } = await import("./contracts.ts");
      await updateContract(s.app, { name: "p-w", file: "c.yaml" });
      expect(await state()).toBe("behind");
      s.advance(8 * DAY);
      expect(await state()).toBe("stale"); // stale outranks behind
      await startRun(s, "w", "p");
      const { resetAttestation } = await import("../crafting/reset.ts");
      await resetAttestation(s.app, { trigger: "cancellation" });
      expect(await state()).toBe("failing"); // failing outranks stale and behind
      expect(byName(await complianceReport(s.app, { staleDays: 7 })).w!.reason).toBe("the last run cancelled");
    } finally {
      s.cleanup();
    }
  });

  test("blocked outranks failing, stale and behind; a later clean run or a bypass is no longer blocked", async () => {
    const s = await testStore();
    try {
      const judge = async (staleDays = 7) => byName(await complianceReport(s.app, { staleDays })).g!;
      await pushGated(s, "g", "p", "banned");
      expect(await judge()).toMatchObject({ state: "blocked", reason: "the last run was blocked: 1 gated policy violation", judgedRun: { state: "blocked" } });
      s.file("more.yaml", GATED_CONTRACT.replace("name: sbom}", "name: sbom}\n    - {type: STRING, name: extra}"));
      const { updateContract } = await import("./contracts.ts");
      await updateContract(s.app, { name: "gated", file: "more.yaml" }); // the blocked run now also lacks `extra` and is behind
      expect((await judge()).state).toBe("blocked");
      s.advance(8 * 86_400_000);
      expect((await judge()).state).toBe("blocked"); // a blocked run is no success: not merely stale
      expect((await complianceReport(s.app, { staleDays: 7, state: "blocked" })).groups.flatMap((g) => g.workflows.map((w) => w.name))).toEqual(["g"]);
      await pushGated(s, "g", "p", "banned", true); // init --contract gated.yaml: a new latest revision without `extra`
      expect(await judge()).toMatchObject({ state: "passing", judgedRun: { state: "succeeded" } }); // a bypassed gate is recorded, not blocking
      await pushGated(s, "g", "p", "banned");
      expect((await judge()).state).toBe("blocked");
      await pushGated(s, "g", "p", "clean");
      expect((await judge()).state).toBe("passing");
    } finally {
      s.cleanup();
    }
  });

  test("more workflows than a store page: every one is judged once", async () => {
    const s = await testStore();
    try {
      for (let i = 0; i < 205; i++) await createWorkflow(s.app, { name: `w${i}`, project: "p" });
      const r = await complianceReport(s.app, { staleDays: 7 });
      expect(r.counts.never_run).toBe(205);
      expect(new Set(r.groups[0]!.workflows.map((w) => w.name)).size).toBe(205);
    } finally {
      s.cleanup();
    }
  });

  test("an organization without anything stored has no workflows", async () => {
    const s = await testStore({ CAIRN_ORG: "empty" });
    try {
      expect(await complianceReport(s.app, { staleDays: 7 })).toEqual({
        staleDays: 7,
        counts: { never_run: 0, blocked: 0, failing: 0, stale: 0, behind: 0, passing: 0 },
        groups: [],
      });
    } finally {
      s.cleanup();
    }
  });
});

describe("CAIRN_STALE_DAYS and the query", () => {
  test("default 7, a whole number of days from 1, else a usage error naming the variable", async () => {
    expect(staleDaysFromEnv({})).toBe(7);
    expect(staleDaysFromEnv({ CAIRN_STALE_DAYS: "30" })).toBe(30);
    for (const bad of ["0", "-1", "1.5", "7d", "x"]) {
      const e = await expectCode(() => staleDaysFromEnv({ CAIRN_STALE_DAYS: bad }), "USAGE");
      expect(e.message).toContain("CAIRN_STALE_DAYS");
    }
  });

  test("the per-page query seeks the run index instead of scanning runs", async () => {
    const s = await testStore();
    try {
      const db = storeDb(s.app);
      const plan = (db.query(`EXPLAIN QUERY PLAN ${complianceRunsSql(2)}`).all("a", "b") as { detail: string }[]).map((r) => r.detail).join("\n");
      expect(plan).toContain("workflow_runs_by_workflow");
      expect(plan).not.toMatch(/SCAN r\b/);
    } finally {
      s.cleanup();
    }
  });
});
