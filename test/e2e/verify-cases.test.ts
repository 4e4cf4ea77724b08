// `cairn verify artifact` case by case, through the compiled binary: each acceptance case of the issue is its own test
// with its exit code (0 passed, 1 no valid attestation, 4 the policy failed) and the reason `-o json` gives for it.
// Keyless, untrusted-CA and transparency-log cases are in verify-cases-trust.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox } from "./harness.ts";

const CAIRN_PREDICATE = "https://cairn.dev/attestation/v0.1";
const OUTPUT_CONTRACT = "schemaVersion: v1\nmaterials:\n  - {name: binary, type: ARTIFACT, output: true}\n";

interface Considered {
  digest: string;
  predicateType: string;
  accepted: boolean;
  reasons: string[];
  workflow?: string;
}

interface Pushed {
  digest: string;
  runId: string;
}

/** `verify artifact FILE ... -o json`: the exit code and the verdict's considered attestations. */
function verifyJson(sb: Sandbox, file: string, args: string[] = []): { code: number; result: string; considered: Considered[] } {
  const r = sb.run(["verify", "artifact", file, ...args, "-o", "json"]);
  const v = JSON.parse(r.stdout) as { result: string; considered: Considered[] };
  return { code: r.code, result: v.result, considered: v.considered };
}

/** The reasons of the cairn attestation (not its SLSA provenance) among the considered ones. */
const cairnReasons = (cs: Considered[]) => cs.find((c) => c.predicateType === CAIRN_PREDICATE)!.reasons;

const sb = new Sandbox();
/** A file with its own content, then one run of `workflow` (in project skynet) that outputs it, key-signed. */
function pushOutput(workflow: string, file: string, opts: { contract?: string; key?: string; env?: Record<string, string>; extra?: [string, string][] } = {}): Pushed {
  writeFileSync(sb.path(file), `${file} built by ${workflow}\n`);
  writeFileSync(sb.path(`${workflow}.yaml`), opts.contract ?? OUTPUT_CONTRACT);
  const env = opts.env ?? {};
  sb.ok(["att", "init", "--workflow", workflow, "--project", "skynet", "--contract", `${workflow}.yaml`, "--replace"], env);
  sb.ok(["att", "add", "--name", "binary", "--value", file], env);
  for (const [name, value] of opts.extra ?? []) sb.ok(["att", "add", "--name", name, "--value", value], env);
  return sb.json<Pushed>(["att", "push", "--key", opts.key ?? "cosign.key"], env);
}

beforeAll(() => {
  cpSync(join(FIXTURES, "policies"), sb.path("fx"), { recursive: true });
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
  sb.ok(["keys", "generate", "--output-prefix", "ci"]);
});
afterAll(() => sb.cleanup());

describe("cairn verify artifact: one test per acceptance case", () => {
  test("pushed by workflow A: --workflow A passes (exit 0), --workflow B fails (exit 4: workflow is A, not B)", () => {
    pushOutput("wf-a", "a.bin");
    const a = verifyJson(sb, "a.bin", ["--key", "cosign.pub", "--workflow", "wf-a"]);
    expect([a.code, a.result]).toEqual([0, "PASSED"]);
    expect(a.considered.map((c) => [c.accepted, c.workflow])).toEqual([[true, "wf-a"], [true, "wf-a"]]);
    const b = verifyJson(sb, "a.bin", ["--key", "cosign.pub", "--workflow", "wf-b"]);
    expect([b.code, b.result]).toEqual([4, "FAILED"]);
    expect(b.considered.map((c) => [c.accepted, c.reasons])).toEqual([[false, ["workflow is wf-a, not wf-b"]], [false, ["workflow is wf-a, not wf-b"]]]);
  });

  test("a run blocked by a gated policy: push exits 4, verify exits 4 with 'run blocked by policy gate'", () => {
    const gated = readFileSync(join(FIXTURES, "contracts/gated.yaml"), "utf8").replace(
      "spec:\n  materials:\n",
      "spec:\n  materials:\n    - name: binary\n      type: ARTIFACT\n      output: true\n",
    );
    writeFileSync(sb.path("blocked.bin"), "blocked\n");
    writeFileSync(sb.path("gated.yaml"), gated);
    sb.ok(["att", "init", "--workflow", "gated", "--project", "skynet", "--contract", "gated.yaml", "--replace"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "blocked.bin"]);
    sb.ok(["att", "add", "--name", "sbom", "--value", "fx/sbom/banned.cdx.json"]);
    const push = sb.run(["att", "push", "--key", "cosign.key", "--provenance", "none"]);
    expect(push.code).toBe(4);
    expect(push.stderr).toContain("marked blocked: 1 gated policy violation");
    const v = verifyJson(sb, "blocked.bin", ["--key", "cosign.pub"]);
    expect(v.code).toBe(4);
    expect(v.considered).toHaveLength(1);
    expect(v.considered[0]).toMatchObject({ accepted: false, reasons: ["run blocked by policy gate"] });
  });

  test("a run behind its contract: exit 4 'contract revision 1 is behind the latest 2'; --allow-behind passes", () => {
    pushOutput("behind", "behind.bin");
    expect(verifyJson(sb, "behind.bin", ["--key", "cosign.pub"]).code).toBe(0);
    writeFileSync(sb.path("behind2.yaml"), `${OUTPUT_CONTRACT}  - {name: notes, type: STRING, optional: true}\n`);
    sb.ok(["att", "init", "--workflow", "behind", "--project", "skynet", "--contract", "behind2.yaml", "--replace"]);
    sb.ok(["att", "reset"]);
    const v = verifyJson(sb, "behind.bin", ["--key", "cosign.pub"]);
    expect(v.code).toBe(4);
    expect(cairnReasons(v.considered)).toEqual(["contract revision 1 is behind the latest 2 (--allow-behind accepts it)"]);
    expect(verifyJson(sb, "behind.bin", ["--key", "cosign.pub", "--allow-behind"]).code).toBe(0);
  });

  test("a revoked key: trusted as an organization key (exit 0), then removed → exit 1 with the signature reason", () => {
    sb.ok(["org", "key", "add", "--name", "ci", "--key", "ci.pub"]);
    pushOutput("org-signed", "org.bin", { key: "ci.key" });
    const before = verifyJson(sb, "org.bin");
    expect([before.code, before.considered.every((c) => c.accepted)]).toEqual([0, true]);
    sb.ok(["org", "key", "remove", "--name", "ci"]);
    const after = verifyJson(sb, "org.bin");
    expect([after.code, after.result]).toEqual([1, "FAILED"]);
    expect(cairnReasons(after.considered)).toEqual([expect.stringMatching(/^signature: the bundle is key-signed \(key hint \S+\) and no public key was given$/)]);
    const other = verifyJson(sb, "org.bin", ["--key", "cosign.pub"]);
    expect(other.code).toBe(1);
    expect(cairnReasons(other.considered)).toEqual([
      "signature: signature mismatch: none of the 1 given key(s) verifies the bundle signature (wrong key, or the payload or signature was altered)",
    ]);
  });

  test("a tampered JUnit material in the CAS: --policy builtin:junit-no-failures passes before, exit 4 naming it after", () => {
    const pass = readFileSync(sb.path("fx/junit/pass.xml"));
    const hex = new Bun.CryptoHasher("sha256").update(pass).digest("hex");
    pushOutput("tested", "tested.bin", { contract: `${OUTPUT_CONTRACT}  - {name: tests, type: JUNIT_XML}\n`, extra: [["tests", "fx/junit/pass.xml"]] });
    const args = ["--key", "cosign.pub", "--policy", "builtin:junit-no-failures"];
    expect(verifyJson(sb, "tested.bin", args).code).toBe(0);
    const blob = join(sb.home, "cas", "sha256", hex.slice(0, 2), hex);
    writeFileSync(blob, readFileSync(sb.path("fx/junit/fail.xml")));
    const v = verifyJson(sb, "tested.bin", args);
    expect(v.code).toBe(4);
    expect(cairnReasons(v.considered)).toEqual([`policy junit-no-failures: material tests in the CAS does not match its digest sha256:${hex} (tampered)`]);
  });

  test("--max-age: a run finished within it passes; one finished longer ago fails (exit 4) naming its finish time", async () => {
    const pushed = pushOutput("aged", "aged.bin");
    expect(verifyJson(sb, "aged.bin", ["--key", "cosign.pub", "--max-age", "1h"]).code).toBe(0);
    const finished = sb.json<{ run: { finishedAt: string } }>(["workflow", "run", "describe", "--id", pushed.runId]).run.finishedAt;
    await Bun.sleep(1100);
    const v = verifyJson(sb, "aged.bin", ["--key", "cosign.pub", "--max-age", "1s"]);
    expect(v.code).toBe(4);
    expect(v.considered.map((c) => c.reasons)).toEqual([[`run finished ${finished}, older than --max-age`], [`run finished ${finished}, older than --max-age`]]);
  });

  test("--source-ref in a simulated GitHub run: the signed GITHUB_REF passes, another ref fails (exit 4)", () => {
    const gh = {
      CI: "true", GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/app", GITHUB_RUN_ID: "4242", GITHUB_SHA: "a".repeat(40), GITHUB_REF: "refs/heads/main",
      GITHUB_ACTOR: "sarah", GITHUB_REPOSITORY_OWNER: "acme", RUNNER_NAME: "hosted-1", RUNNER_OS: "Linux",
      GITHUB_WORKFLOW_REF: "acme/app/.github/workflows/release.yml@refs/heads/main", GITHUB_EVENT_NAME: "push",
    };
    pushOutput("gh", "gh.bin", { env: gh });
    expect(verifyJson(sb, "gh.bin", ["--key", "cosign.pub", "--source-ref", "refs/heads/main"]).code).toBe(0);
    const v = verifyJson(sb, "gh.bin", ["--key", "cosign.pub", "--source-ref", "refs/tags/v1"]);
    expect(v.code).toBe(4);
    expect(v.considered.map((c) => c.reasons)).toEqual([["source ref is refs/heads/main, not refs/tags/v1"], ["source ref is refs/heads/main, not refs/tags/v1"]]);
    const local = verifyJson(sb, "a.bin", ["--key", "cosign.pub", "--source-ref", "refs/heads/main"]);
    expect(local.code).toBe(4);
    expect(cairnReasons(local.considered)).toEqual(["the attestation records no git ref (GITHUB_REF, CI_COMMIT_REF_NAME or the provenance's workflow.ref)"]);
  });
});
