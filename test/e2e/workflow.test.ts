import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox } from "./harness.ts";

const APPLY = join(FIXTURES, "contracts", "apply");
const V2 = join(FIXTURES, "contracts", "valid-v2.yaml");

interface Workflow {
  id?: string;
  name: string;
  project: string;
  team: string | null;
  contractName: string;
  contractLatestRevision: number;
  runsCount: number;
  lastRun: { id: string; state: string; contractRevisionUsed: number } | null;
}
interface Page<T> {
  items: T[];
  next?: string;
}
interface ApplyResult {
  dryRun: boolean;
  items: { source: string; name: string; action: string; revision: number }[];
}

describe("workflows and contracts through the compiled binary", () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  test("workflow create/list/describe/update with exit codes for every refusal", () => {
    const w = sb.json<Workflow & { created: boolean }>(["workflow", "create", "--name", "build", "--project", "skynet", "--team", "core"]);
    expect(w).toMatchObject({ name: "build", contractName: "skynet-build", contractLatestRevision: 1, created: true });
    expect(sb.run(["workflow", "create", "--name", "build", "--project", "skynet"]).code).toBe(1);
    expect(sb.json<{ created: boolean }>(["workflow", "create", "--name", "build", "--project", "skynet", "--skip-if-exists"]).created).toBe(false);
    expect(sb.run(["workflow", "create", "--name", "Build", "--project", "skynet"]).code).toBe(2);
    const unknown = sb.run(["workflow", "create", "--name", "x", "--project", "skynet", "--contract", "ghost"]);
    expect([unknown.code, unknown.stderr.includes("workflow contract list")]).toEqual([1, true]);
    sb.ok(["workflow", "create", "--name", "release", "--project", "skynet", "--contract", V2]);

    const table = sb.ok(["workflow", "list"]).stdout;
    expect(table).toMatch(/│ release │ skynet +│ +│ orbit-release \(rev 1\)/);
    expect(sb.json<Page<Workflow>>(["workflow", "list", "--team", "core"]).items.map((x) => x.name)).toEqual(["build"]);
    expect(sb.json<Workflow>(["workflow", "describe", "--name", "build", "--project", "skynet"]).id).toBe(w.id!);
    expect(sb.run(["workflow", "describe", "--name", "nope", "--project", "skynet"]).code).toBe(1);
    expect(sb.run(["workflow", "update", "--name", "build", "--project", "skynet"]).code).toBe(2);
    const u = sb.json<Workflow>(["workflow", "update", "--name", "build", "--project", "skynet", "--team", "", "--contract", "orbit-release"]);
    expect([u.team, u.contractName]).toEqual([null, "orbit-release"]);
  });

  test("contract revisions: identical and reformatted content make none; describe prints a summary then the raw body", () => {
    sb.ok(["workflow", "contract", "create", "--name", "demo", "-f", join(FIXTURES, "contracts", "demo.yaml")]);
    expect(sb.run(["workflow", "contract", "create", "--name", "demo"]).code).toBe(1);
    expect(sb.run(["workflow", "contract", "create", "--name", "other", "-f", V2]).code).toBe(2); // metadata.name differs
    const reformatted = sb.path("demo-reformatted.json");
    writeFileSync(reformatted, JSON.stringify(Bun.YAML.parse(readFileSync(join(FIXTURES, "contracts", "demo.yaml"), "utf8"))));
    expect(sb.json(["workflow", "contract", "update", "--name", "demo", "-f", reformatted])).toEqual({ name: "demo", revision: 1, changed: false, description: "Demo release contract" });
    writeFileSync(sb.path("demo2.yaml"), "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata: {name: demo}\nspec:\n  materials: [{type: STRING, name: build-ref}]\n");
    const upd = sb.run(["workflow", "contract", "update", "--name", "demo", "-f", "demo2.yaml"]);
    expect([upd.code, upd.stderr.includes("new revision 2")]).toEqual([0, true]);

    const d = sb.ok(["workflow", "contract", "describe", "--name", "demo", "--revision", "1"]).stdout;
    expect(d).toContain("1 (latest 2)");
    expect(d.trimEnd().endsWith(readFileSync(join(FIXTURES, "contracts", "demo.yaml"), "utf8").trimEnd())).toBe(true);
    const missing = sb.run(["workflow", "contract", "describe", "--name", "demo", "--revision", "9"]);
    expect([missing.code, missing.stderr.includes("latest revision is 2")]).toEqual([1, true]);
  });

  test("contract list paginates; delete is refused while in use, then frees the name", () => {
    const names: string[] = [];
    let next: string | undefined;
    do {
      const page = sb.json<Page<{ name: string }>>(["workflow", "contract", "list", "--limit", "2", ...(next ? ["--next", next] : [])]);
      names.push(...page.items.map((c) => c.name));
      next = page.next;
    } while (next);
    expect(names).toEqual(["demo", "orbit-release", "skynet-build"]);
    expect(sb.ok(["workflow", "contract", "list", "--limit", "1"]).stderr).toMatch(/more: --next \S+/);

    const refused = sb.run(["workflow", "contract", "delete", "--name", "orbit-release"]);
    expect([refused.code, refused.stderr.includes("skynet/build, skynet/release")]).toEqual([1, true]);
    sb.ok(["workflow", "contract", "delete", "--name", "skynet-build"]);
    expect(sb.run(["workflow", "contract", "describe", "--name", "skynet-build"]).code).toBe(1);
    expect(sb.json<{ latestRevision: number }>(["workflow", "contract", "create", "--name", "skynet-build"]).latestRevision).toBe(1);
  });

  test("apply: all or nothing, created/updated/unchanged per document, --dry-run, directories", () => {
    const before = sb.counts();
    const bad = sb.run(["apply", "-f", join(APPLY, "bad-second.yaml")]);
    expect([bad.code, bad.stderr.includes("bad-second.yaml#2")]).toEqual([1, true]);
    expect(sb.run(["apply", "-f", join(APPLY, "wrong-kind.yaml")]).code).toBe(1);
    expect(sb.counts()).toEqual(before);

    const dry = sb.json<ApplyResult>(["apply", "-f", join(APPLY, "two-contracts.yaml"), "--dry-run"]);
    expect([dry.dryRun, ...dry.items.map((i) => i.action)]).toEqual([true, "created", "created"]);
    expect(sb.counts()).toEqual(before);
    const t = sb.ok(["apply", "-f", join(APPLY, "two-contracts.yaml")]).stdout;
    expect(t).toContain("created (revision 1)");
    expect(sb.json<ApplyResult>(["apply", "-f", join(APPLY, "two-contracts-reformatted.yaml")]).items.map((i) => i.action)).toEqual(["unchanged", "unchanged"]);
    expect(sb.ok(["apply", "-f", join(APPLY, "two-contracts-changed.yaml")]).stdout).toMatch(/release-contract │ updated \(revision 2\)/);
    expect(sb.counts().contract_revisions).toBe(before.contract_revisions + 3);

    mkdirSync(sb.path("contracts"));
    writeFileSync(sb.path("contracts", "b.yaml"), "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata: {name: dir-b}\n");
    writeFileSync(sb.path("contracts", "a.yml"), "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata: {name: dir-a}\n");
    writeFileSync(sb.path("contracts", "notes.txt"), "ignored\n");
    expect(sb.json<ApplyResult>(["apply", "-f", "contracts"]).items.map((i) => i.source)).toEqual(["contracts/a.yml#1", "contracts/b.yaml#1"]);
  });

  test("a deleted workflow keeps its runs and referrers; its name can be reused", () => {
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    writeFileSync(sb.path("app.bin"), "binary\n");
    sb.ok(["workflow", "create", "--name", "ship", "--project", "skynet"]);
    sb.ok(["att", "init", "--workflow", "ship", "--project", "skynet"]);
    sb.ok(["att", "add", "--name", "bin", "--value", "app.bin", "--kind", "ARTIFACT"]);
    const pushed = sb.json<{ digest: string }>(["att", "push", "--key", "cosign.key"]);
    const listed = sb.json<Page<Workflow>>(["workflow", "list", "--project", "skynet"]).items.find((x) => x.name === "ship")!;
    expect(listed).toMatchObject({ runsCount: 1, lastRun: { state: "succeeded", contractRevisionUsed: 1 } });

    sb.ok(["workflow", "delete", "--name", "ship", "--project", "skynet"]);
    expect(sb.run(["workflow", "describe", "--name", "ship", "--project", "skynet"]).code).toBe(1);
    expect(sb.json<Page<Workflow>>(["workflow", "list"]).items.map((x) => x.name)).not.toContain("ship");
    expect(sb.json<Page<{ workflow: string }>>(["workflow", "run", "list", "--workflow", "ship"]).items).toHaveLength(1);
    expect(sb.json<{ run?: { workflow: string } }>(["discover", pushed.digest]).run?.workflow).toBe("ship");
    expect(sb.json<Workflow>(["workflow", "create", "--name", "ship", "--project", "skynet"])).toMatchObject({ runsCount: 0, lastRun: null });
  });
});
