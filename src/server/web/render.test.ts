import { describe, expect, test } from "bun:test";
import type { ComplianceReport, WorkflowCompliance } from "../../services/control/compliance.ts";
import type { ContractDetail } from "../../services/control/contracts.ts";
import type { DiscoverResult } from "../../services/control/discover.ts";
import type { RunDetail } from "../../services/control/runs.ts";
import { renderContract } from "./contract-page.ts";
import { renderDashboard } from "./dashboard.ts";
import { renderDiscover } from "./discover-page.ts";
import { ago } from "./format.ts";
import { escapeHtml, externalLink, href, html } from "./html.ts";
import { contentDisposition } from "./download.ts";
import { loginPage, safeNext } from "./session.ts";
import { renderRun } from "./run-page.ts";
import { policyVerdict, readPolicyStatus } from "../../crafter/policy/status.ts";

const EVIL = `<script>alert("x")</script>`;
const NOW = new Date("2025-01-10T00:00:00.000Z");
const T = "2025-01-09T12:00:00.000Z";

/** No element or attribute came from the data: the only tags are the renderer's own. */
function expectInert(out: string): void {
  expect(out).not.toContain("<script");
  expect(out).not.toContain(`"x")`);
  expect(out).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
}

describe("the html tag", () => {
  test("escapes every interpolated string, in content and attributes, but not nested html", () => {
    const out = html`<a title="${`" onmouseover="x`}">${EVIL}${html`<b>ok</b>`}${["<i>", 1, null, false]}</a>`.value;
    expect(out).toBe(`<a title="&quot; onmouseover=&quot;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>ok</b>&lt;i&gt;1</a>`);
    expect(escapeHtml(`&'`)).toBe("&amp;&#39;");
  });

  test("hrefs percent-encode every segment and query value; only http(s) runner URLs become links", () => {
    expect(href(["runs", "a/../b?c"], { x: "1&y=2", skip: undefined })).toBe("/runs/a%2F..%2Fb%3Fc?x=1%26y%3D2");
    expect(href([])).toBe("/");
    expect(externalLink("javascript:alert(1)").value).toBe("<span>javascript:alert(1)</span>");
    expect(externalLink("https://ci.example/1").value).toContain(`href="https://ci.example/1"`);
  });

  test("login next only goes to a path on this site; downloads cannot break out of the filename", () => {
    expect(safeNext("/runs/1?x=2")).toBe("/runs/1?x=2");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "runs", null, "/ x"]) expect(safeNext(bad)).toBe("/");
    expect(loginPage(`"><script>`).value).not.toContain("<script>");
    expect(contentDisposition(`a"b\\ü.bin`)).toBe(`attachment; filename="a_b__.bin"; filename*=UTF-8''a%22b%5C%C3%BC.bin`);
    expect([ago(30_000), ago(2 * 3_600_000), ago(86_400_000), ago(-1)]).toEqual(["just now", "2 hours ago", "1 day ago", "in the future"]);
  });
});

describe("renderers keep stored text inert", () => {
  const wf: WorkflowCompliance = {
    name: EVIL,
    project: EVIL,
    team: EVIL,
    description: EVIL,
    contractName: EVIL,
    contractLatestRevision: 2,
    runsCount: 1,
    implicit: true,
    lastRun: { id: EVIL, state: "succeeded", createdAt: T, contractRevisionUsed: 1 },
    judgedRun: { id: EVIL, state: "succeeded", createdAt: T, finishedAt: T, contractRevisionUsed: 1 },
    state: "failing",
    reason: EVIL,
    missing: [EVIL],
  };

  test("dashboard: a workflow named <script> renders as text, with counts, badges and links", () => {
    const report: ComplianceReport = { staleDays: 7, counts: { never_run: 0, blocked: 0, failing: 1, stale: 0, behind: 0, passing: 0 }, groups: [{ project: EVIL, team: EVIL, workflows: [wf] }] };
    const out = renderDashboard(report, "failing", NOW).value;
    expectInert(out);
    expect(out).toContain(`href="/runs/%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E"`);
    expect(out).toContain(`class="count selected alert" href="/?state=failing"`);
    expect(out).toContain(`href="/workflows/%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E/%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E"`);
    expect(out).toContain("rev 1 / 2");
    expect(out).toContain("(12 hours ago)");
  });

  test("run page: materials, annotations and the statement are escaped", () => {
    const detail: RunDetail = {
      run: {
        id: "r1", workflow: EVIL, workflowId: "w", project: EVIL, contractName: EVIL, state: "succeeded", reason: EVIL,
        runnerType: EVIL, runnerUrl: `javascript:${EVIL}`, contractRevisionUsed: 1, contractRevisionLatest: 1,
        attestationDigest: `sha256:${"a".repeat(64)}`, policyStatus: "none", pushedBy: EVIL, createdAt: T, finishedAt: T,
      },
      attestation: {
        digest: `sha256:${"a".repeat(64)}`, payloadType: EVIL, predicateType: EVIL, statement: { evil: EVIL },
        subjects: [{ name: EVIL, digest: { sha256: EVIL } }],
        materials: [{ name: EVIL, kind: EVIL, value: EVIL, digest: `sha256:${"b".repeat(64)}`, annotations: { [EVIL]: EVIL } }],
      },
    };
    const out = renderRun({ detail, verification: { kind: "failed", message: EVIL }, downloadable: new Set([`sha256:${"b".repeat(64)}`]) }, NOW).value;
    expectInert(out);
    expect(out).not.toContain(`href="javascript`);
    expect(out).toContain(`href="/download/sha256%3A${"b".repeat(64)}?run=r1"`);
  });

  test("discover and contract pages (history, body and diff) are escaped", () => {
    const node = { digest: `sha256:${"c".repeat(64)}`, kind: "ARTIFACT", downloadable: true, metadata: { name: EVIL }, createdAt: T };
    const d: DiscoverResult = { ...node, references: [node], referredBy: [{ ...node, kind: "ATTESTATION", run: { id: EVIL, workflow: EVIL, project: EVIL, state: "succeeded", policyStatus: "violations" } }] };
    expectInert(renderDiscover(d).value);
    const rev = (revision: number, body: string): ContractDetail => ({
      name: "c", description: EVIL, revision, latestRevision: 2, format: "yaml", digest: "sha256:d", createdAt: T, body,
      createdBy: EVIL,
      revisions: [{ revision: 1, digest: "sha256:d1", createdAt: T, createdBy: EVIL }, { revision: 2, digest: "sha256:d2", createdAt: T, createdBy: null }],
      workflows: [{ project: EVIL, name: EVIL }],
    });
    const plain = renderContract({ shown: rev(2, `a: 1\n# ${EVIL}\n`) }, NOW).value;
    expectInert(plain);
    const diff = renderContract({ shown: rev(2, `same\nnew ${EVIL}\n`), from: rev(1, "same\nold\n") }, NOW).value;
    expectInert(diff);
    expect(diff).toContain(`<div class="del">old</div>`);
    expect(diff).toContain(`<div class="add">new &lt;script&gt;`);
    expect(diff).toContain(`<div class="same">same</div>`);
    expect(diff).toContain(`<p class="muted" id="changes">No change for the workflows using it.</p>`);
    const changes = renderContract({
      shown: rev(2, "b"), from: rev(1, "a"),
      changes: [{ change: "material-added", material: EVIL, kind: "ARTIFACT", required: true, output: false }, { change: "env-removed", name: EVIL }, { change: "provenance-required", required: true }],
    }, NOW).value;
    expectInert(changes);
    expect(changes).toContain(`<li class="add" data-change="material-added">material &lt;script&gt;`);
    expect(changes).toContain(`<li class="del" data-change="env-removed">env &lt;script&gt;`);
    expect(changes).toContain(`<li class="mod" data-change="provenance-required">SLSA provenance is now required</li>`);
  });
});

describe("policy status from the stored predicate", () => {
  const DIGEST = `sha256:${"a".repeat(64)}`;
  const evaluations = [
    { policy: "banned-licenses", digest: "sha256:p1", material: "sbom", inputs: { licenses: "AGPL-3.0" }, violations: [{ rule: "licenses", message: `component x uses AGPL-3.0 ${EVIL}` }], gate: true },
    { policy: "junit-no-failures", digest: "sha256:p2", material: "tests", inputs: {}, violations: [], gate: false },
    { policy: EVIL, digest: "sha256:p3", material: "image", inputs: {}, violations: [], skipped: `no rule for kind ${EVIL}`, gate: false },
    { policy: "annotations", digest: "sha256:p4", inputs: {}, violations: [], gate: false },
  ];
  const statement = (extra: Record<string, unknown>) => ({
    _type: "https://in-toto.io/Statement/v1",
    predicate: { materials: [], policyEvaluations: evaluations, policyEvaluationsCount: 4, policyViolationsCount: 1, policySkippedCount: 1, policyHasGatedViolations: true, policyBlocked: false, policyBypassed: false, ...extra },
  });
  const detailWith = (stmt: unknown): RunDetail => ({
    run: {
      id: "r1", workflow: "build", workflowId: "w", project: "p1", contractName: "c", state: "succeeded", reason: null,
      runnerType: "local", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, attestationDigest: DIGEST, policyStatus: "violations", pushedBy: null, createdAt: T, finishedAt: T,
    },
    attestation: { digest: DIGEST, payloadType: "application/vnd.in-toto+json", predicateType: "p", statement: stmt, subjects: [], materials: [] },
  });
  const render = (stmt: unknown) => renderRun({ detail: detailWith(stmt), verification: { kind: "no-keys" }, downloadable: new Set() }, NOW).value;

  test("run page: each evaluation with material, policy, gate, violations and skips; the blocked banner", () => {
    const out = render(statement({ policyBlocked: true }));
    expectInert(out);
    expect(out).toContain("<h2>Policies");
    expect(out).toContain(`data-policy="blocked">blocked</span>`);
    expect(out).toContain(`id="policy-banner"><strong>Blocked:</strong>`);
    expect(out).toContain(`<tr data-policy="banned-licenses"><td>sbom</td><td>banned-licenses</td>\n<td>gate</td><td><ul><li><code>licenses</code>: component x uses AGPL-3.0 &lt;script&gt;`);
    expect(out).toContain(`<td>junit-no-failures</td>\n<td><span class="muted">no</span></td><td><span class="badge s-passing">passed</span>`);
    expect(out).toContain(`<span class="muted">skipped: no rule for kind &lt;script&gt;`);
    expect(out).toContain(`<tr data-policy="annotations"><td><span class="muted">attestation</span></td>`);
  });

  test("run page: bypassed banner; nothing at all for a statement without policy fields", () => {
    const bypassed = render(statement({ policyBypassed: true }));
    expect(bypassed).toContain(`<strong>Bypassed:</strong>`);
    expect(bypassed).toContain(`data-policy="bypassed">bypassed</span>`);
    const old = render({ predicate: { materials: [] } });
    expect(old).not.toContain("Policies");
    expect(old).not.toContain("policy-banner");
  });

  test("verdicts: none, passed, N violations, blocked, bypassed; malformed predicates count as absent", () => {
    expect(policyVerdict(readPolicyStatus({ predicate: {} }))).toBe("none");
    expect(policyVerdict(readPolicyStatus(null))).toBe("none");
    expect(policyVerdict(readPolicyStatus({ predicate: { policyEvaluations: "nope" } }))).toBe("none");
    expect(policyVerdict(readPolicyStatus({ predicate: { policyEvaluations: [evaluations[1]] } }))).toBe("passed");
    expect(policyVerdict(readPolicyStatus(statement({})))).toBe("violations");
    expect(policyVerdict(readPolicyStatus(statement({ policyBlocked: true })))).toBe("blocked");
    expect(policyVerdict(readPolicyStatus(statement({ policyBypassed: true })))).toBe("bypassed");
  });

  test("dashboard: a policy column for the judged run", () => {
    const wf = (name: string, runId: string | null): WorkflowCompliance => ({
      name, project: "p1", team: null, description: null, contractName: "c", contractLatestRevision: 1, runsCount: runId ? 1 : 0, implicit: false,
      lastRun: runId ? { id: runId, state: "succeeded", createdAt: T, contractRevisionUsed: 1 } : null,
      judgedRun: runId ? { id: runId, state: "succeeded", createdAt: T, finishedAt: T, contractRevisionUsed: 1 } : null,
      state: runId ? "passing" : "never_run", reason: "", missing: [],
    });
    const report: ComplianceReport = {
      staleDays: 7, counts: { never_run: 1, blocked: 0, failing: 0, stale: 0, behind: 0, passing: 3 },
      groups: [{ project: "p1", team: null, workflows: [wf("a", "ra"), wf("b", "rb"), wf("c", "rc"), wf("d", null)] }],
    };
    const policies = new Map([["ra", readPolicyStatus(statement({}))], ["rb", readPolicyStatus(statement({ policyBlocked: true }))], ["rc", undefined]]);
    const out = renderDashboard(report, undefined, NOW, policies).value;
    expect(out).toContain("<th>Policies</th>");
    const cell = (w: string) => out.split(`data-workflow="p1/${w}"`)[1]!.split("</tr>")[0]!.match(/data-policy="([^"]+)">([^<]+)</)!.slice(1);
    expect([cell("a"), cell("b"), cell("c"), cell("d")]).toEqual([["violations", "1 violation"], ["blocked", "blocked"], ["none", "none"], ["none", "none"]]);
  });
});
