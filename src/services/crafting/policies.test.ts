import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { checkMaterials } from "../check.ts";
import { loadContractFile } from "../contracts.ts";
import { addMaterial } from "./add.ts";
import { initAttestation } from "./init.ts";
import { pushAttestation } from "./push.ts";
import { attestationStatus } from "./status.ts";

const FIX = join(import.meta.dir, "../../../fixtures/policies");

/** fixtures/contracts/gated.yaml plus an attestation policy. */
const CONTRACT = `${readFileSync(join(FIX, "../contracts/gated.yaml"), "utf8")}    attestation:
      - embedded:
          apiVersion: cairn.dev/v1
          kind: Policy
          metadata: { name: has-tests }
          spec:
            rules:
              - name: tests-attested
                attestation: true
                violations: |
                  input.statement.predicate.materials.exists(m, m.annotations["cairn.material.name"] == "tests") ? [] : ["no test report"]
`;

let s: TestStore;
let warnings: string[];
afterEach(() => s?.cleanup());

async function setup(contract = CONTRACT): Promise<void> {
  s = await testStore();
  warnings = [];
  s.app.reporter = { warn: (m) => void warnings.push(m) };
  s.file("contract.yaml", contract);
  for (const f of ["sbom/banned.cdx.json", "sbom/clean.cdx.json", "junit/fail.xml", "junit/pass.xml"]) copyFileSync(join(FIX, f), join(s.dir, f.replace("/", "-")));
}

const init = () => initAttestation(s.app, { workflow: "build", project: "skynet", contract: "contract.yaml", dryRun: false, replace: true });
const add = (name: string, value: string) => addMaterial(s.app, { name, value, annotations: {}, strict: true });
const push = (bypass = false) => pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {}, bypassPolicyCheck: bypass });

describe("policies in the crafting flow", () => {
  test("policy groups are parsed but not evaluated, and init says so", async () => {
    await setup(CONTRACT.replace("  policies:\n", "  policyGroups:\n    - ref: builtin:baseline\n  policies:\n"));
    await init();
    expect(warnings.filter((w) => w.includes("policy groups are not evaluated"))).toHaveLength(1);
  });

  test("add evaluates the attached material policies; status shows them; a re-add replaces them", async () => {
    await setup();
    await init();
    await add("sbom", "sbom-banned.cdx.json");
    await add("tests", "junit-fail.xml");
    const view = await attestationStatus(s.app);
    expect(view.policyEvaluations.map((e) => [e.material, e.policy, e.gate, e.violations.length])).toEqual([
      ["sbom", "banned-licenses", true, 1],
      ["tests", "junit-no-failures", false, 2],
    ]);
    expect(view.policyEvaluations[0]!.inputs).toEqual({ licenses: "AGPL-3.0-only" });
    expect(view.policyEvaluations[0]!.violations[0]!.message).toContain("ghostscript");
    expect(warnings.some((w) => w.startsWith("policy violation: sbom: banned-licenses (gate)"))).toBe(true);
    await add("sbom", "sbom-clean.cdx.json");
    const again = await attestationStatus(s.app);
    expect(again.policyEvaluations.map((e) => [e.material, e.violations.length])).toEqual([["sbom", 0], ["tests", 2]]);
  });

  test("a violated gate: the attestation is stored, marked blocked, and push raises POLICY_GATE (exit 4)", async () => {
    await setup();
    const st = await init();
    await add("sbom", "sbom-banned.cdx.json");
    const e = await expectCode(() => push(), "POLICY_GATE");
    expect(e.message).toContain("marked blocked");
    expect(e.message).toContain("sbom: banned-licenses (gate): no-banned-license: component ghostscript");
    const run = (await s.app.repo.getRun(st.workflow.runId!))!;
    expect(run.state).toBe("blocked");
    expect(run.reason).toBe("blocked: 1 gated policy violation");
    expect([run.policyStatus, run.pushedBy]).toEqual(["blocked", "local"]);
    expect(run.attestationDigest).toMatch(/^sha256:/);
    expect(s.app.state.exists()).toBe(false);
    const { describeRun } = await import("../control/runs.ts");
    const p = ((await describeRun(s.app, { id: run.id })).attestation!.statement as { predicate: Record<string, unknown> }).predicate;
    expect(p).toMatchObject({ policyBlocked: true, policyBypassed: false, policyHasGatedViolations: true, policyEvaluationsCount: 2, policyViolationsCount: 2, policySkippedCount: 0 });
    // the attestation policy ran at push, on the statement: no test report was added
    expect((p.policyEvaluations as { policy: string; material?: string; violations: unknown[] }[]).at(-1)).toMatchObject({ policy: "has-tests", violations: [{ rule: "tests-attested", message: "no test report" }] });
    expect(warnings).toContain("policy violation: attestation: has-tests: tests-attested: no test report");
  });

  test("a blocked push cut off before the state was cleared: repeating it reports the stored attestation, exit 4 again", async () => {
    await setup();
    const st = await init();
    await add("sbom", "sbom-banned.cdx.json");
    const ready = await s.app.state.read();
    const first = await expectCode(() => push(), "POLICY_GATE");
    const run = (await s.app.repo.getRun(st.workflow.runId!))!;
    await s.app.state.write(ready); // as if the push was killed after its transaction committed
    const again = await expectCode(() => push(), "POLICY_GATE");
    expect(again.details).toMatchObject({ digest: run.attestationDigest, runId: run.id });
    expect(again.message).toBe(first.message);
    expect(await s.app.repo.getRun(run.id)).toEqual(run); // nothing signed or stored twice
    expect(s.app.state.exists()).toBe(false);
  });

  test("--exception-bypass-policy-check records the bypass and only warns", async () => {
    await setup();
    const st = await init();
    await add("sbom", "sbom-banned.cdx.json");
    await add("tests", "junit-pass.xml");
    const r = await push(true);
    expect(r.statement.predicate).toMatchObject({ policyBlocked: false, policyBypassed: true, policyViolationsCount: 1 });
    expect((await s.app.repo.getRun(st.workflow.runId!))!).toMatchObject({ state: "succeeded", reason: "policy gate bypassed (1 gated violation)", policyStatus: "bypassed" });
    expect(warnings.some((w) => w.startsWith("policy gate bypassed (--exception-bypass-policy-check): sbom: banned-licenses"))).toBe(true);
  });

  test("dry-run: a violated gate still exits 4, saying nothing was stored", async () => {
    await setup();
    await initAttestation(s.app, { workflow: "build", project: "skynet", contract: "contract.yaml", dryRun: true, replace: true });
    await add("sbom", "sbom-banned.cdx.json");
    const e = await expectCode(() => push(), "POLICY_GATE");
    expect(e.message).toStartWith("dry-run: nothing was stored, but the attestation would be blocked: 1 gated policy violation");
    expect(await s.app.repo.findOrg("default")).toBeUndefined();
  });

  test("clean evidence: no violation, nothing blocked", async () => {
    await setup();
    const st = await init();
    await add("sbom", "sbom-clean.cdx.json");
    await add("tests", "junit-pass.xml");
    const r = await push();
    expect(r.statement.predicate).toMatchObject({ policyEvaluationsCount: 3, policyViolationsCount: 0, policyBlocked: false, policyBypassed: false });
    expect((await s.app.repo.getRun(st.workflow.runId!))!).toMatchObject({ state: "succeeded", reason: null, policyStatus: "passed" });
  });

  test("a broken attached policy fails init with the contract position, file, rule and place", async () => {
    await setup(CONTRACT.replace("- ref: builtin:junit-no-failures", "- ref: broken.yaml"));
    s.file("broken.yaml", "apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: { name: broken }\nspec:\n  rules:\n    - name: r1\n      kinds: [JUNIT_XML]\n      violations: 'input.content.('\n");
    const e = await expectCode(() => init(), "POLICY_INVALID");
    expect(e.message).toMatch(/^contract gated policies\.materials\[1\]: broken\.yaml:\d+:\d+: .*rule "r1"/);
    expect(s.app.state.exists()).toBe(false);
  });

  test("check evaluates the material policies: a gated violation blocks, a clean SBOM passes", async () => {
    await setup();
    const given = (value: string) => ({
      contract: { contract: loadContractFile("contract.yaml", s.app.config.cwd).contract, source: "contract.yaml" },
      materials: [{ name: "sbom", value }],
      strictValidation: true,
      requireAll: false,
      strict: false,
    });
    const bad = await checkMaterials(s.app, given("sbom-banned.cdx.json"));
    expect([bad.ok, bad.policyBlocked, bad.materials[0]!.problem]).toEqual([false, true, "1 policy violation"]);
    const good = await checkMaterials(s.app, given("sbom-clean.cdx.json"));
    expect([good.ok, good.policyBlocked, good.policyEvaluations.length]).toEqual([true, false, 1]);
  });
});
