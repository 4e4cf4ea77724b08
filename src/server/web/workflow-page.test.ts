import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ComplianceReport } from "../../services/control/compliance.ts";
import type { RunSummary } from "../../services/control/runs.ts";
import { testStore } from "../../services/control/runs.testutil.ts";
import { createToken } from "../../services/control/tokens.ts";
import { createWorkflow } from "../../services/control/workflows.ts";
import { expectCode } from "../../test-helpers.ts";
import { serveWeb } from "./context.testutil.ts";
import { renderDashboard } from "./dashboard.ts";
import { webHandler } from "./index.ts";
import { seedEveryState, type Seeded } from "./seed.testutil.ts";
import { HISTORY_PAGE, renderWorkflow, workflowHistory } from "./workflow-page.ts";

const EVIL = `<script>alert("x")</script>`;
const NOW = new Date("2025-01-10T00:00:00.000Z");
const T = "2025-01-09T12:00:00.000Z";

const run = (id: string, over: Partial<RunSummary> = {}): RunSummary => ({
  id, workflow: "w", workflowId: "wf", project: "p", contractName: "c", state: "succeeded", reason: null, runnerType: "local",
  runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 2, attestationDigest: `sha256:${"a".repeat(64)}`,
  policyStatus: "passed", pushedBy: null, createdAt: T, finishedAt: T, ...over,
});

describe("the workflow page renders", () => {
  const workflow = { id: "wf", name: EVIL, project: EVIL, team: EVIL, description: EVIL, contractName: EVIL, contractLatestRevision: 2, runsCount: 3, lastRun: null, createdAt: T, updatedAt: null, createdBy: EVIL, implicit: true };

  test("each run with state, policy status, revisions, times and who pushed; stored text inert; a next-page link", () => {
    const runs = [
      run("r-blocked", { state: "blocked", reason: `blocked: 1 gated policy violation ${EVIL}`, policyStatus: "blocked", pushedBy: EVIL }),
      run("r-old", { policyStatus: "unknown" }),
      run("r-open", { state: "initialized", attestationDigest: null, policyStatus: null, finishedAt: null }),
    ];
    const out = renderWorkflow({ workflow, runs: { items: runs, next: "CUR" } }, NOW).value;
    expect(out).not.toContain("<script");
    expect(out).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    const row = (id: string) => out.split(`data-run="${id}"`)[1]!.split("</tr>")[0]!;
    expect(row("r-blocked")).toContain(`<span class="badge r-blocked">blocked</span>`);
    expect(row("r-blocked")).toContain(`data-policy="blocked">blocked</span>`);
    expect(row("r-blocked")).toContain("<td>&lt;script&gt;"); // pushedBy, escaped
    expect(row("r-old")).toContain(`data-policy="unknown">unknown</span>`);
    expect(row("r-old")).toContain(`<span class="muted">local</span>`);
    expect(row("r-old")).toContain("rev 1 / 2");
    expect(row("r-open")).toContain(`<span class="muted">—</span></td>\n<td>rev`); // no policy status without an attestation
    expect(out).not.toContain("succeeded</span>\n<td>"); // nothing claims the blocked run succeeded
    const self = "/workflows/%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E/%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E";
    expect(out).toContain(`href="${self}?next=CUR" id="next-page"`);
    expect(out).not.toContain(`id="first-page"`);
    const later = renderWorkflow({ workflow, runs: { items: [] }, after: "CUR" }, NOW).value;
    expect(later).toContain(`href="${self}" id="first-page"`);
    expect(later).toContain("No more runs.");
  });

  test("dashboard: a blocked counter beside failing, red when any workflow is blocked, and its filter link", () => {
    const counts = { never_run: 0, blocked: 2, failing: 0, stale: 0, behind: 0, passing: 1 };
    const out = renderDashboard({ staleDays: 7, counts, groups: [] } as ComplianceReport, undefined, NOW).value;
    const tiles = [...out.matchAll(/<a class="([^"]+)" href="([^"]+)" data-state="([a-z_]+)">\s*<strong>(\d+)<\/strong>/g)].map((m) => [m[3], m[1], m[2], m[4]]);
    expect(tiles.slice(0, 3)).toEqual([
      ["never_run", "count", "/?state=never_run", "0"],
      ["blocked", "count alert", "/?state=blocked", "2"],
      ["failing", "count", "/?state=failing", "0"],
    ]);
    expect(out).toContain(`<span class="badge s-blocked">blocked</span>`);
  });
});

describe("/workflows/{project}/{name} behind the seam", async () => {
  const s = await testStore();
  let seeded: Seeded;
  let cookie = "";
  beforeAll(async () => {
    seeded = await seedEveryState(s);
    cookie = `cairn_session=${(await createToken(s.app, { name: "operator" })).token}`;
  });
  afterAll(() => s.cleanup());
  const get = (path: string, c = cookie) => serveWeb(webHandler, s.app, new Request(`http://127.0.0.1:8080${path}`, { headers: { cookie: c }, redirect: "manual" }));

  test("lists the blocked run as blocked, with its policy status; the dashboard links the workflow's name here", async () => {
    const r = await get("/workflows/orbit/scan");
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain(`<tr data-run="${seeded.blockedRunId}" data-state="blocked">`);
    expect(body).toContain(`data-policy="blocked">blocked</span>`);
    expect(body).toContain(`<dt>Contract</dt><dd><a href="/contracts/gated">gated</a>`);
    const dashboard = await (await get("/")).text();
    expect(dashboard).toContain(`<a href="/workflows/orbit/scan"><strong>scan</strong></a>`);
    const blocked = await (await get("/?state=blocked")).text();
    expect(blocked).toContain(`data-workflow="orbit/scan" data-compliance="blocked"`);
    expect(blocked).not.toContain(`data-workflow="orbit/deploy"`);
    const runPage = await (await get(`/runs/${seeded.blockedRunId}`)).text();
    expect(runPage).toContain(`<span class="badge r-blocked">blocked</span>`);
    expect(runPage).not.toContain("succeeded");
  });

  test("pages through the history with the next-page link, newest first, each run once", async () => {
    const wf = (await s.app.repo.findWorkflow((await s.app.repo.findOrg("default"))!.id, "orbit", "audit"))!;
    for (let i = 0; i < HISTORY_PAGE + 3; i++) {
      const at = new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
      await s.app.repo.createRun({ id: `hist-${String(i).padStart(2, "0")}`, orgId: wf.orgId, workflowId: wf.id, runnerType: "x", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: at });
    }
    const seen: string[] = [];
    let path: string | undefined = "/workflows/orbit/audit";
    while (path) {
      const body = await (await get(path)).text();
      seen.push(...[...body.matchAll(/<tr data-run="([^"]+)"/g)].map((m) => m[1]!));
      path = /href="([^"]+)" id="next-page"/.exec(body)?.[1]?.replaceAll("&amp;", "&");
    }
    expect(seen).toEqual(Array.from({ length: HISTORY_PAGE + 3 }, (_, i) => `hist-${String(HISTORY_PAGE + 2 - i).padStart(2, "0")}`));
    expect((await get("/workflows/orbit/audit?next=garbage")).status).toBe(400);
  });

  test("an unknown workflow, and another organization's, get the same 404 page", async () => {
    const missing = await get("/workflows/acme-proj/secret");
    expect(missing.status).toBe(404);
    const before = await missing.text();
    const acme = { ...s.app, config: { ...s.app.config, organization: "acme" } };
    await createWorkflow(acme, { name: "secret", project: "acme-proj" });
    const foreign = await get("/workflows/acme-proj/secret");
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toBe(before);
    expect(before).toContain("workflow secret does not exist in project acme-proj (organization default)");
    expect((await get("/workflows/orbit")).status).toBe(404); // not a page
  });

  test("the scope is respected as listRuns does: out of scope is the same NOT_FOUND as absent", async () => {
    const org = (await s.app.repo.findOrg("default"))!.id;
    const scan = (await s.app.repo.findWorkflow(org, "orbit", "scan"))!;
    const skynet = (await s.app.repo.findWorkflow(org, "skynet", "build"))!;
    const out = await expectCode(() => workflowHistory(s.app, { project: "orbit", name: "scan", scope: { projectId: skynet.projectId } }), "NOT_FOUND");
    const absent = await expectCode(() => workflowHistory(s.app, { project: "orbit", name: "nope" }), "NOT_FOUND");
    expect(out.message).toBe(absent.message.replace("nope", "scan"));
    await expectCode(() => workflowHistory(s.app, { project: "orbit", name: "scan", scope: { workflowId: skynet.id } }), "NOT_FOUND");
    const own = await workflowHistory(s.app, { project: "orbit", name: "scan", scope: { projectId: scan.projectId, workflowId: scan.id } });
    expect(own.runs.items.map((r) => r.id)).toEqual([seeded.blockedRunId]);
  });
});
