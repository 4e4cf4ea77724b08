// The seed's story through the compiled binary and one `cairn serve`: SecOps (a maintainer) declares the contract and
// registers CI's key, CI (an attestor scoped to the project) attests against it. Every attempt of CI to weaken what
// it is judged by (rewrite the contract, delete the workflow, mint a token, add a key) is refused and audited, the
// contract stays as SecOps wrote it, and a push a gate blocks counts as blocked, not passing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const server = new Sandbox(); // the machine running cairn serve
const secops = new Sandbox(); // Dyson's laptop: no store of its own
const ci = new Sandbox(); // Sarah's pipeline: its own HOME, the signing key
let srv: Served;
let tokens: { admin: string; secops: string; ci: string };
let mint: (args: string[]) => string;

const GATED = readFileSync(join(FIXTURES, "contracts/gated.yaml"), "utf8").replace("name: gated", "name: release");
const WEAK = "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: release\nspec:\n  materials:\n    - {name: note, type: STRING, optional: true}\n";

const as = (token: string) => ({ CAIRN_CONTROL_PLANE: srv.url, CAIRN_TOKEN: token, CAIRN_HOME: "" });
const ops = (args: string[]) => secops.run(args, as(tokens.secops));
const job = (args: string[]) => ci.run(args, as(tokens.ci));

beforeAll(async () => {
  srv = await serve(server);
  const admin = /admin token \(.*\): (cairn_\S+)/.exec(srv.stderr())![1]!;
  mint = (args: string[]) => JSON.parse(server.ok(["org", "api-token", "create", ...args, "-o", "json"], as(admin)).stdout).token as string;
  tokens = { admin, secops: mint(["--name", "dyson", "--role", "maintainer"]), ci: "" };
  writeFileSync(secops.path("release.yaml"), GATED);
  writeFileSync(ci.path("weak.yaml"), WEAK);
  cpSync(join(FIXTURES, "policies"), ci.path("fx"), { recursive: true });
  ci.ok(["keys", "generate", "--output-prefix", "cosign"]);
  cpSync(ci.path("cosign.pub"), secops.path("ci.pub"));
}, 30_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) await srv.stop();
  for (const sb of [server, secops, ci]) sb.cleanup();
});

describe("SecOps declares, CI proves, and CI cannot move the goalposts", () => {
  test("SecOps: the contract, the workflow and CI's signing key; the admin gives CI a project token", () => {
    expect(ops(["apply", "-f", "release.yaml"]).code).toBe(0);
    expect(ops(["workflow", "create", "--name", "build", "--project", "skynet", "--team", "platform", "--contract", "release"]).code).toBe(0);
    expect(ops(["org", "key", "add", "--name", "skynet-ci", "--key", "ci.pub"]).code).toBe(0);
    const c = JSON.parse(ops(["workflow", "contract", "describe", "--name", "release", "-o", "json"]).stdout);
    expect([c.latestRevision, c.revisions[0].createdBy]).toEqual([1, "token:dyson"]);
    tokens.ci = mint(["--name", "skynet-ci", "--project", "skynet"]); // the admin gives CI an attestor token of the project
  });

  test("CI attests against the contract in force", () => {
    expect(job(["att", "init", "--workflow", "build", "--project", "skynet"]).code).toBe(0);
    expect(job(["att", "add", "--name", "sbom", "--value", "fx/sbom/clean.cdx.json"]).code).toBe(0);
    const pushed = job(["att", "push", "--key", "cosign.key"]);
    expect([pushed.code, pushed.stderr]).toEqual([0, expect.not.stringContaining("ERR")]);
    const runs = JSON.parse(ops(["workflow", "run", "list", "-o", "json"]).stdout).items;
    expect(runs.map((r: { state: string; pushedBy: string }) => [r.state, r.pushedBy])).toEqual([["succeeded", "token:skynet-ci"]]);
  });

  test("CI's attempts to weaken the contract, delete the workflow, mint a token or add a key are refused", () => {
    const weaken = job(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", "weak.yaml", "--replace"]);
    expect(weaken.code).toBe(1);
    expect(weaken.stderr).toContain("ERR contract release is at revision 1, and the --contract file differs from it: an attestor token cannot change a contract");
    expect(weaken.stderr).toContain("cairn workflow contract update --name release -f FILE");
    const attempts: [string[], string][] = [
      [["workflow", "contract", "update", "--name", "release", "-f", "weak.yaml"], "ERR contract.update needs the maintainer role; this API token is an attestor"],
      [["apply", "-f", "weak.yaml"], "ERR this route needs an organization-level API token"],
      [["workflow", "delete", "--name", "build", "--project", "skynet"], "ERR workflow.delete needs the maintainer role; this API token is an attestor"],
      [["workflow", "update", "--name", "build", "--project", "skynet", "--contract", "weak.yaml"], "ERR workflow.update needs the maintainer role"],
      [["org", "api-token", "create", "--name", "mine", "--role", "admin"], "ERR this route needs an organization-level API token"],
      [["org", "key", "add", "--name", "mine", "--key", "cosign.pub"], "ERR this route needs an organization-level API token"],
      [["org", "update", "--implicit-workflows", "on"], "ERR org.update needs the admin role; this API token is an attestor"],
    ];
    for (const [args, message] of attempts) {
      const r = job(args);
      expect([args.join(" "), r.code, r.stderr]).toEqual([args.join(" "), 1, expect.stringContaining(message)]);
    }
  });

  test("the contract, the workflow, the tokens and the keys are as SecOps left them", () => {
    const c = JSON.parse(ops(["workflow", "contract", "describe", "--name", "release", "-o", "json"]).stdout);
    expect([c.latestRevision, c.body]).toEqual([1, GATED]);
    expect(JSON.parse(ops(["workflow", "describe", "--name", "build", "--project", "skynet", "-o", "json"]).stdout)).toMatchObject({ contractName: "release", createdBy: "token:dyson", implicit: false });
    const tokensNow = JSON.parse(server.ok(["org", "api-token", "list", "-o", "json"], as(tokens.admin)).stdout).items.map((t: { name: string }) => t.name);
    expect(tokensNow.sort()).toEqual(["admin", "dyson", "skynet-ci"]);
    expect(JSON.parse(ops(["org", "key", "list", "-o", "json"]).stdout).items.map((k: { name: string }) => k.name)).toEqual(["skynet-ci"]);
  });

  test("every refusal is in the audit trail under CI's name; CI may not read the trail", () => {
    const trail = JSON.parse(ops(["audit", "list", "--actor", "skynet-ci", "--outcome", "refused", "-o", "json"]).stdout).items;
    const seen = trail.map((e: { action: string; outcome: string }) => `${e.action} ${e.outcome}`).sort();
    expect(seen).toEqual(
      [
        "apply refused: NOT_FOUND",
        "attestation.init refused: FORBIDDEN",
        "contract.update refused: FORBIDDEN",
        "key.add refused: NOT_FOUND",
        "org.update refused: FORBIDDEN",
        "token.create refused: NOT_FOUND",
        "workflow.delete refused: FORBIDDEN",
        "workflow.update refused: FORBIDDEN",
      ].sort(),
    );
    expect(trail.find((e: { action: string }) => e.action === "workflow.delete").target).toBe("workflow skynet/build");
    const pushes = JSON.parse(ops(["audit", "list", "--action", "push", "-o", "json"]).stdout).items;
    expect(pushes.map((e: { actor: string; outcome: string }) => [e.actor, e.outcome])).toEqual([["token:skynet-ci", "ok"]]);
    const denied = job(["audit", "list"]);
    expect([denied.code, denied.stderr]).toEqual([1, expect.stringContaining("organization-level API token")]);
  });

  test("a push the gate blocks: exit 4, stored, the run blocked, and the dashboard counts it blocked", async () => {
    expect(job(["att", "init", "--workflow", "build", "--project", "skynet", "--replace"]).code).toBe(0);
    expect(job(["att", "add", "--name", "sbom", "--value", "fx/sbom/banned.cdx.json"]).code).toBe(0);
    expect(job(["att", "push", "--key", "cosign.key"]).code).toBe(4);
    const blocked = JSON.parse(ops(["workflow", "run", "list", "--policy-status", "blocked", "-o", "json"]).stdout).items;
    expect(blocked.map((r: { state: string }) => r.state)).toEqual(["blocked"]);
    const login = await fetch(`${srv.url}/login`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `token=${tokens.secops}` });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const page = await (await fetch(`${srv.url}/`, { headers: { Cookie: cookie } })).text();
    expect(page).toMatch(/data-state="blocked">\s*<strong>1<\/strong>/);
    expect(page).toMatch(/data-state="passing">\s*<strong>0<\/strong>/);
    expect(page).toContain(`data-workflow="skynet/build" data-compliance="blocked"`);
    // CI's own session sees its project, blocked too, and no Audit link
    const ciLogin = await fetch(`${srv.url}/login`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `token=${tokens.ci}` });
    const ciPage = await (await fetch(`${srv.url}/`, { headers: { Cookie: (ciLogin.headers.get("set-cookie") ?? "").split(";")[0]! } })).text();
    expect(ciPage).toContain(`data-workflow="skynet/build" data-compliance="blocked"`);
    expect(ciPage).not.toContain(`href="/audit"`);
  });
});
