// Errors a new user meets first, through the compiled binary: each names the input and the fix.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, ROOT, Sandbox, type Run } from "./harness.ts";

const DEMO = join(FIXTURES, "contracts", "demo.yaml");
const SBOM = join(FIXTURES, "demo", "sbom.cdx.json");

/** One ERR line plus an optional hint line, never a stack trace. */
function expectCleanError(r: Run, code: number): void {
  expect(r.code).toBe(code);
  expect(r.stderr.trim().split("\n")[0]).toStartWith("ERR ");
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+/);
}

describe("keys generate without a password", () => {
  const sb = new Sandbox();
  beforeAll(() => {
    delete sb.env.CAIRN_SIGNING_PASSWORD;
  });
  afterAll(() => sb.cleanup());

  test("names both variables, the empty-password convention and the TTY; writes no key", () => {
    const r = sb.run(["keys", "generate"]);
    expectCleanError(r, 1);
    expect(r.stderr).toContain("generating a key needs a password");
    expect(r.stderr).toContain("CAIRN_SIGNING_PASSWORD or COSIGN_PASSWORD");
    expect(r.stderr).toContain("an empty value means no password");
    expect(r.stderr).toContain("terminal");
    expect(r.stderr).not.toContain("the private key is encrypted");
    expect(Bun.file(sb.path("cosign.key")).size).toBe(0);
  });

  test("an empty COSIGN_PASSWORD is a key without a password, as in cosign", () => {
    sb.ok(["keys", "generate", "--output-prefix", "empty"], { COSIGN_PASSWORD: "" });
    expect(Bun.file(sb.path("empty.key")).size).toBeGreaterThan(0);
  });
});

describe("att add and att verify", () => {
  const sb = new Sandbox();
  beforeAll(() => {
    sb.ok(["keys", "generate"]);
    writeFileSync(sb.path("app.bin"), "bin");
    writeFileSync(sb.path("link.json"), JSON.stringify({ _type: "link", name: "build", materials: {}, products: {}, byproducts: {} }));
    writeFileSync(
      sb.path("tests.yaml"),
      "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: tests\nspec:\n  materials:\n    - type: JUNIT_XML\n      name: tests\n",
    );
  });
  afterAll(() => sb.cleanup());

  test("an unreachable registry image points at CAIRN_INSECURE_REGISTRIES, not a flag att add lacks", () => {
    sb.ok(["att", "init", "--workflow", "w", "--project", "p", "--contract", DEMO]);
    const r = sb.run(["att", "add", "--kind", "CONTAINER_IMAGE", "--value", "127.0.0.1:1/app:latest"]);
    expectCleanError(r, 1);
    expect(r.stderr).toContain("127.0.0.1:1/app:latest");
    expect(r.stderr).toContain("CAIRN_INSECURE_REGISTRIES=127.0.0.1:1");
    expect(r.stderr).toContain("cairn cas-backend add --insecure-http");
    expect(r.stderr).not.toContain("for plain http add --insecure-http");
  });

  test("--kind ATTESTATION on an in-toto link says it is not a DSSE envelope or Sigstore bundle", () => {
    const r = sb.run(["att", "add", "--kind", "ATTESTATION", "--value", "link.json"]);
    expectCleanError(r, 1);
    expect(r.stderr).toContain('link.json: is not a DSSE envelope or Sigstore bundle (its _type is "link")');
    expect(r.stderr).not.toContain("payloadType undefined");
  });

  test("att verify without a key names --key and the keyless flags", () => {
    sb.ok(["att", "add", "--name", "build-ref", "--value", "v1"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    sb.ok(["att", "add", "--name", "sbom", "--value", SBOM]);
    sb.ok(["att", "push", "--key", "cosign.key", "--bundle", "out.json"]);
    const r = sb.run(["att", "verify", "--bundle", "out.json"]);
    expectCleanError(r, 1);
    for (const flag of ["--key", "--certificate-identity", "--certificate-oidc-issuer", "--trusted-root"]) expect(r.stderr).toContain(flag);
    sb.ok(["att", "verify", "--bundle", "out.json", "--key", "cosign.pub"]);
  });

  test("an SBOM where the contract expects JUNIT_XML names the expected and the detected kind", () => {
    sb.ok(["att", "init", "--workflow", "t", "--project", "p", "--contract", sb.path("tests.yaml"), "--replace"]);
    const r = sb.run(["att", "add", "--name", "tests", "--value", SBOM]);
    expectCleanError(r, 1);
    expect(r.stderr).toContain("material tests expects JUNIT_XML, but the file sbom.cdx.json looks like SBOM_CYCLONEDX_JSON");
    expect(r.stderr).toContain("--kind SBOM_CYCLONEDX_JSON");
  });

  test("a dry run says the file was not stored, not done", () => {
    sb.ok(["att", "init", "--workflow", "w", "--project", "p", "--contract", DEMO, "--dry-run", "--replace"]);
    const r = sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    expect(r.stderr).toMatch(/app\.bin@sha256:[0-9a-f]{64} \.\.\. not stored \(dry run\) \[3B\]/);
    expect(r.stderr).not.toContain("done!");
  });
});

describe("cairn version", () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  test("-o json: version, the build's commit and date, Bun, predicate type, store schema version", () => {
    const v = sb.json<Record<string, unknown>>(["version"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(v).toEqual({
      version: pkg.version,
      commit: expect.stringMatching(/^(?:[0-9a-f]{7,}|unknown)$/),
      buildDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      bun: expect.stringMatching(/^\d+\.\d+\.\d+/),
      predicateType: "https://cairn.dev/attestation/v0.1",
      storeSchemaVersion: expect.any(Number),
    } as never);
    // Built in a git checkout, the commit is one of this repository's (the binary may predate the newest commit).
    const inGit = Bun.spawnSync(["git", "rev-parse", "--git-dir"], { cwd: ROOT, stdout: "ignore", stderr: "ignore" }).exitCode === 0;
    if (inGit) expect(Bun.spawnSync(["git", "cat-file", "-e", `${v.commit}^{commit}`], { cwd: ROOT, stderr: "ignore" }).exitCode).toBe(0);
    expect(v.storeSchemaVersion as number).toBeGreaterThan(0);
    expect(sb.ok(["version"]).stdout).toContain(`Commit`);
    expect(sb.ok(["--version"]).stdout.trim()).toBe(pkg.version);
  });
});
