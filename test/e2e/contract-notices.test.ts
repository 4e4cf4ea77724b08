// "New requirements reach the teams", through the compiled binary: SecOps (a maintainer token against `cairn serve`)
// revises the workflow's contract; the team's next `att init` (local, and remote from a CI machine) says what changed
// and who changed it, `att status` repeats it, and once a run on the new revision is pushed it is gone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox, type Run } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const sb = new Sandbox(); // the served home; local commands run on it
const ci = new Sandbox(); // a CI machine: its own HOME, no store
let srv: Served;
let secops = "";
let team = "";

const contract = (materials: string[]) =>
  `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: build\nspec:\n  materials:\n${materials.map((m) => `    - ${m}\n`).join("")}`;
const BIN_M = "{ name: bin, type: ARTIFACT }";
const SBOM_M = "{ name: sbom, type: SBOM_CYCLONEDX_JSON }";
const TICKET_M = "{ name: ticket, type: STRING }";

beforeAll(async () => {
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
  sb.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
  writeFileSync(sb.path("c1.yaml"), contract([BIN_M]));
  writeFileSync(sb.path("c2.yaml"), contract([BIN_M, SBOM_M]));
  writeFileSync(sb.path("c3.yaml"), contract([BIN_M, SBOM_M, TICKET_M]));
  for (const s of [sb, ci]) {
    writeFileSync(s.path("app.bin"), "app\n");
    copyFileSync(join(FIXTURES, "materials/SBOM_CYCLONEDX_JSON/valid-1.6-container.json"), s.path("sbom.json"));
  }
  copyFileSync(sb.path("cosign.key"), ci.path("cosign.key"));
  sb.ok(["workflow", "contract", "create", "--name", "build", "-f", "c1.yaml"]);
  sb.ok(["workflow", "create", "--name", "app", "--project", "team", "--contract", "build"]);
  secops = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "secops", "--role", "maintainer"]).token;
  team = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "team-ci", "--role", "attestor", "--project", "team"]).token;
  srv = await serve(sb);
}, 60_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) expect(await srv.stop()).toBe(0);
  sb.cleanup();
  ci.cleanup();
});

const ok = (r: Run, what: string): Run => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
};
/** A command against the server with a token, run from `s` (files are read there). */
const remote = (s: Sandbox, args: string[], token: string) => ok(s.run([...args, "--control-plane", srv.url, "--token", token]), args.join(" "));
const local = (args: string[]) => ok(sb.run(args), args.join(" "));
const revise = (file: string) => remote(sb, ["workflow", "contract", "update", "--name", "build", "-f", file], secops);
const createdAt = (revision: number) => sb.json<{ createdAt: string }>(["workflow", "contract", "describe", "--name", "build", "--revision", String(revision)]).createdAt;

const header = (to: number, from: number) => `contract build revised to revision ${to} by token:secops at ${createdAt(to)} (the last finished run used revision ${from})`;

/** The notice printed: its header and exactly its change lines, before the materials table. */
function expectNotice(out: string, to: number, from: number, changes: string[]): void {
  const lines = out.split("\n");
  const at = lines.indexOf(header(to, from));
  expect(at).toBeGreaterThan(0);
  expect(lines.slice(at + 1, at + 1 + changes.length + 1)).toEqual([...changes, lines[at + 1 + changes.length]!]);
  expect(lines[at + 1 + changes.length]).not.toMatch(/^ {2}[+~-] /);
  expect(out.indexOf(header(to, from))).toBeLessThan(out.indexOf("Materials"));
}

const noNotice = (out: string) => expect(out).not.toContain("revised to revision");

describe("contract change notices", () => {
  test("local init: the required material SecOps added, by whom; status repeats it; gone after a push on the new revision", () => {
    noNotice(local(["att", "init", "--workflow", "app", "--project", "team"]).stdout);
    local(["att", "add", "--name", "bin", "--value", "app.bin"]);
    local(["att", "push", "--key", "cosign.key"]);

    expect(revise("c2.yaml").stderr).toContain("new revision 2");
    const init = local(["att", "init", "--workflow", "app", "--project", "team"]).stdout;
    expectNotice(init, 2, 1, ["  + material sbom (SBOM_CYCLONEDX_JSON), required"]);
    expectNotice(local(["att", "status"]).stdout, 2, 1, ["  + material sbom (SBOM_CYCLONEDX_JSON), required"]);

    const json = sb.json<{ contractChanges: unknown }>(["att", "init", "--workflow", "app", "--project", "team", "--replace"]);
    expect(json.contractChanges).toEqual({
      contractName: "build",
      fromRevision: 1,
      toRevision: 2,
      createdBy: "token:secops",
      createdAt: createdAt(2),
      changes: [{ change: "material-added", material: "sbom", kind: "SBOM_CYCLONEDX_JSON", required: true, output: false }],
    });
    expect(sb.json<{ contractChanges: unknown }>(["att", "status"]).contractChanges).toEqual(json.contractChanges);

    local(["att", "add", "--name", "bin", "--value", "app.bin"]);
    local(["att", "add", "--name", "sbom", "--value", "sbom.json"]);
    local(["att", "push", "--key", "cosign.key"]);
    noNotice(local(["att", "init", "--workflow", "app", "--project", "team"]).stdout);
    expect(sb.json<Record<string, unknown>>(["att", "status"])).not.toHaveProperty("contractChanges");
    local(["att", "reset"]);
  }, 60_000);

  test("remote init from a CI machine: the server computes the notice; status repeats it; gone after the push", () => {
    revise("c3.yaml");
    const ticket = "  + material ticket (STRING), required";
    expectNotice(remote(ci, ["att", "init", "--workflow", "app", "--project", "team"], team).stdout, 3, 2, [ticket]);
    expectNotice(remote(ci, ["att", "status"], team).stdout, 3, 2, [ticket]);
    const json = JSON.parse(remote(ci, ["att", "init", "--workflow", "app", "--project", "team", "--replace", "-o", "json"], team).stdout);
    expect(json.contractChanges).toMatchObject({ fromRevision: 2, toRevision: 3, createdBy: "token:secops", createdAt: createdAt(3) });
    expect(json.contractChanges.changes).toEqual([{ change: "material-added", material: "ticket", kind: "STRING", required: true, output: false }]);

    remote(ci, ["att", "add", "--name", "bin", "--value", "app.bin"], team);
    remote(ci, ["att", "add", "--name", "sbom", "--value", "sbom.json"], team);
    remote(ci, ["att", "add", "--name", "ticket", "--value", "OPS-1"], team);
    remote(ci, ["att", "push", "--key", "cosign.key"], team);
    noNotice(remote(ci, ["att", "init", "--workflow", "app", "--project", "team", "--replace"], team).stdout);
    remote(ci, ["att", "reset"], team);
  }, 60_000);

  test("workflow contract diff: previous -> latest by default, --from/--to, json; the same locally and remotely", () => {
    const out = local(["workflow", "contract", "diff", "--name", "build"]).stdout;
    expect(out).toBe(
      [
        "contract build",
        `  revision 2: created ${createdAt(2)} by token:secops`,
        `  revision 3: created ${createdAt(3)} by token:secops`,
        "changes from revision 2 to 3:",
        "  + material ticket (STRING), required",
        "",
      ].join("\n"),
    );
    expect(remote(sb, ["workflow", "contract", "diff", "--name", "build"], team).stdout).toBe(out);
    const args = ["workflow", "contract", "diff", "--name", "build", "--from", "1", "--to", "3", "-o", "json"];
    const json = JSON.parse(local(args).stdout);
    expect(json).toMatchObject({ name: "build", from: { revision: 1, createdBy: "local" }, to: { revision: 3, createdBy: "token:secops" } });
    expect(json.changes.map((c: { material: string }) => c.material)).toEqual(["sbom", "ticket"]);
    expect(remote(sb, args, secops).stdout).toBe(local(args).stdout);
    const refused = sb.run(["workflow", "contract", "diff", "--name", "build", "--to", "1"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("no previous revision");
  }, 60_000);
});

