import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./harness.ts";

interface Status {
  workflow: { contractName: string; contractRevision: number; contractRevisionLatest: number; projectVersion?: { version: string; prerelease: boolean; markAsReleased: boolean } };
}

const contract = (material: string) =>
  `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: release\nspec:\n  materials:\n    - name: ${material}\n      type: STRING\n`;

describe("init --version/--release and --contract NAME --contract-revision through the compiled binary", () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  test("--version after the subcommand is the project version, not cairn's; --release releases it at push", () => {
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    expect(sb.ok(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const st = sb.json<Status>(["att", "init", "--workflow", "build", "--project", "skynet", "--version", "v1.2.0", "--release", "-o", "json"]);
    expect(st.workflow.projectVersion).toEqual({ version: "v1.2.0", prerelease: true, markAsReleased: true, id: expect.any(String) } as never);
    expect(sb.ok(["att", "status"]).stdout).toContain("v1.2.0 (released at push)");
    sb.ok(["att", "push", "--key", "cosign.key"]);
    const next = sb.json<Status>(["att", "init", "--workflow", "build", "--project", "skynet", "--version", "v1.2.0", "-o", "json"]);
    expect(next.workflow.projectVersion).toMatchObject({ version: "v1.2.0", prerelease: false });
    expect(sb.run(["att", "init", "--workflow", "build", "--project", "skynet", "--release", "-f"]).code).toBe(2);
  });

  test("--home works after the subcommand as well as before it", () => {
    const other = join(sb.dir, "other-home");
    sb.ok(["att", "init", "--workflow", "w", "--project", "p", "--dry-run", "--home", other, "-f"]);
    expect(sb.ok(["--home", other, "att", "status"]).stdout).toContain("Dry Run");
  });

  test("a stored contract by name, pinned to an older revision, with a warning", () => {
    writeFileSync(sb.path("c.yaml"), contract("first"));
    sb.ok(["att", "init", "--workflow", "deploy", "--project", "skynet", "--contract", "c.yaml", "-f"]);
    writeFileSync(sb.path("c.yaml"), contract("second"));
    sb.ok(["att", "init", "--workflow", "deploy", "--project", "skynet", "--contract", "c.yaml", "-f"]);
    const pinned = sb.run(["att", "init", "--workflow", "deploy", "--project", "skynet", "--contract", "release", "--contract-revision", "1", "-f", "-o", "json"]);
    expect(pinned.code).toBe(0);
    expect(pinned.stderr).toContain("revision 1 is pinned, but revision 2 is the latest");
    const st = JSON.parse(pinned.stdout) as Status;
    expect([st.workflow.contractName, st.workflow.contractRevision, st.workflow.contractRevisionLatest]).toEqual(["release", 1, 2]);
    const missing = sb.run(["att", "init", "--workflow", "deploy", "--project", "skynet", "--contract", "release", "--contract-revision", "7", "-f"]);
    expect([missing.code, missing.stderr.includes("latest revision is 2")]).toEqual([1, true]);
  });
});
