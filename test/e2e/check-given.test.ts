// `cairn check` through the compiled binary: it checks what it is given (required materials not given are listed as
// not checked), --require-all and --strict, a gated violation → 4, --contract NAME from the local store and through
// `cairn serve`, a @sha256:-pinned image without network, and `att add --offline` for air-gapped builders.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const CONTRACT = `apiVersion: cairn.dev/v1
kind: Contract
metadata:
  name: given
spec:
  materials:
    - name: sbom
      type: SBOM_CYCLONEDX_JSON
    - name: tests
      type: JUNIT_XML
    - name: bin
      type: ARTIFACT
    - name: image
      type: CONTAINER_IMAGE
      optional: true
  policies:
    materials:
      - ref: builtin:banned-licenses
        selector: { name: sbom }
        with: { licenses: AGPL-3.0-only }
        gate: true
      - ref: builtin:junit-no-failures
`;
const DIGEST = `sha256:${"ab".repeat(32)}`;
/** Port 1 refuses connections: any registry call would fail (or wait), so success proves none was made. */
const PINNED = `127.0.0.1:1/team/app@${DIGEST}`;

interface Row {
  name: string;
  kind: string;
  status: "checked" | "invalid" | "not given";
  required: boolean;
  digest?: string;
  problem?: string;
  violations: number;
  blocked: boolean;
}
interface Report {
  ok: boolean;
  contract: string;
  materials: Row[];
  missing: string[];
  policyBlocked: boolean;
}

const sb = new Sandbox();
beforeAll(() => {
  cpSync(join(FIXTURES, "policies"), sb.path("fx"), { recursive: true });
  writeFileSync(sb.path("contract.yaml"), CONTRACT);
  writeFileSync(sb.path("app.bin"), "the build output\n");
});
afterAll(() => sb.cleanup());

const check = (...args: string[]) => sb.run(["check", "--contract", "contract.yaml", ...args]);
const json = (...args: string[]) => JSON.parse(check(...args, "-o", "json").stdout) as Report;
const row = (r: Report, name: string) => r.materials.find((m) => m.name === name)!;

describe("cairn check checks what it is given", () => {
  test("given only: exit 0, the rest listed as not checked (not given); the artifact shows its digest", () => {
    const r = check("--material", "sbom=fx/sbom/clean.cdx.json", "--material", "bin=app.bin");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tests\s.*not checked \(not given\)/);
    expect(r.stdout).toMatch(/image\s.*not checked \(not given\)/);
    const hex = new Bun.CryptoHasher("sha256").update("the build output\n").digest("hex");
    expect(r.stdout).toContain(`sha256:${hex}`);
    const j = json("--material", "sbom=fx/sbom/clean.cdx.json", "--material", "bin=app.bin");
    expect(j.ok).toBe(true);
    expect(j.missing).toEqual(["tests"]);
    expect(j.materials.map((m) => [m.name, m.status, m.required])).toEqual([
      ["sbom", "checked", true],
      ["bin", "checked", true],
      ["tests", "not given", true],
      ["image", "not given", false],
    ]);
    expect(row(j, "bin").digest).toBe(`sha256:${hex}`);
    expect(row(j, "sbom").digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("an invalid given material fails (exit 1) with its problem; so does a name not in the contract", () => {
    writeFileSync(sb.path("broken.xml"), "<testsuite");
    const r = check("--material", "tests=broken.xml");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tests\s.*FAIL/);
    expect(row(json("--material", "tests=broken.xml"), "tests").status).toBe("invalid");
    const unknown = json("--material", "nope=app.bin");
    expect([unknown.ok, row(unknown, "nope").status, row(unknown, "nope").problem]).toEqual([false, "invalid", "not in the contract (declared: sbom, tests, bin, image)"]);
  });

  test("--require-all fails on a required material not given; an optional one is never required", () => {
    const r = check("--material", "sbom=fx/sbom/clean.cdx.json", "--material", "bin=app.bin", "--require-all");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Required, not given: tests");
    const all = ["--material", "sbom=fx/sbom/clean.cdx.json", "--material", "bin=app.bin", "--material", "tests=fx/junit/pass.xml", "--require-all"];
    expect(check(...all).code).toBe(0);
  });

  test("a gated violation exits 4; a non-gated one is shown and fails only with --strict", () => {
    const gated = check("--material", "sbom=fx/sbom/banned.cdx.json");
    expect(gated.code).toBe(4);
    expect(gated.stdout).toContain("policy violation: sbom: banned-licenses (gate)");
    const soft = check("--material", "tests=fx/junit/fail.xml");
    expect(soft.code).toBe(0);
    expect(soft.stdout).toContain("policy violation: tests:");
    expect(soft.stdout).toMatch(/tests\s.*violations/);
    const strict = check("--material", "tests=fx/junit/fail.xml", "--strict");
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/tests\s.*FAIL/);
    expect(json("--material", "tests=fx/junit/fail.xml").materials[0]).toMatchObject({ status: "checked", violations: 2, blocked: false });
  });

  test("a @sha256:-pinned image is checked by its digest without network", () => {
    const t0 = Date.now();
    const j = json("--material", `image=${PINNED}`);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(row(j, "image")).toMatchObject({ status: "checked", digest: DIGEST });
    // A tag must be resolved: that does need the registry, and says so.
    const tagged = json("--material", "image=127.0.0.1:1/team/app:1.0");
    expect(row(tagged, "image").status).toBe("invalid");
    expect(row(tagged, "image").problem).toContain("resolving image 127.0.0.1:1/team/app:1.0");
  });

  test("--contract NAME: a stored contract from the local store; an unknown name is NOT_FOUND naming it", () => {
    sb.ok(["workflow", "contract", "create", "--name", "given", "-f", "contract.yaml"]);
    const r = sb.run(["check", "--contract", "given", "--material", "bin=app.bin"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("contract given revision 1");
    const missing = sb.run(["check", "--contract", "no-such-contract", "--material", "bin=app.bin"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("--contract no-such-contract: no such file, and contract no-such-contract does not exist");
    expect(missing.stderr).toContain("cairn workflow contract list");
  });
});

describe("--contract NAME through cairn serve", () => {
  let srv: Served;
  let token = "";
  beforeAll(async () => {
    srv = await serve(sb);
    token = /admin token \(.*\): (cairn_\S+)/.exec(srv.stderr())![1]!;
  });
  afterAll(async () => {
    await srv.stop();
  });

  test("the contract is fetched through the contract routes; an unknown one is NOT_FOUND", () => {
    const remote = (name: string) =>
      sb.run(["check", "--contract", name, "--material", "sbom=fx/sbom/banned.cdx.json", "--control-plane", srv.url, "--token", token], { CAIRN_HOME: sb.path("empty-home") });
    const r = remote("given");
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("contract given revision 1");
    const missing = remote("absent");
    expect(missing.stderr).toContain("--contract absent: no such file, and contract absent does not exist");
  });
});

describe("att add with pinned and offline images", () => {
  test("a dry run adds a pinned reference without network; --offline records it unresolved, and refuses a tag", () => {
    sb.ok(["att", "init", "--workflow", "air", "--project", "gap", "--dry-run", "--replace"]);
    const dry = sb.json<{ digest: string; annotations: Record<string, string> }>(["att", "add", "--name", "pinned", "--kind", "CONTAINER_IMAGE", "--value", PINNED]);
    expect(dry.digest).toBe(DIGEST);
    sb.ok(["att", "init", "--workflow", "air", "--project", "gap", "--replace"]);
    const t0 = Date.now();
    const added = sb.json<{ digest: string; value: string; annotations: Record<string, string> }>(["att", "add", "--name", "img", "--kind", "CONTAINER_IMAGE", "--value", PINNED, "--offline"]);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(added).toMatchObject({ digest: DIGEST, value: "127.0.0.1:1/team/app" });
    expect(added.annotations["cairn.material.image.resolved"]).toBe("false");
    expect(added.annotations["cairn.material.image.registry"]).toBeUndefined();
    const tag = sb.run(["att", "add", "--name", "tagged", "--kind", "CONTAINER_IMAGE", "--value", "127.0.0.1:1/team/app:1.0", "--offline"]);
    expect(tag.code).toBe(2);
    expect(tag.stderr).toContain("image 127.0.0.1:1/team/app:1.0 has no digest");
    expect(tag.stderr).toContain("pin it @sha256:");
  });
});
