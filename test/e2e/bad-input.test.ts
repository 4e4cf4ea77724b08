import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox, type Counts, type Run } from "./harness.ts";

const DEMO = join(FIXTURES, "contracts", "demo.yaml");

/** One clear line (plus an optional indented hint), never a stack trace. */
function expectCleanError(r: Run, code: number): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split("\n");
  expect(lines[0]).toStartWith("ERR ");
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+/);
  expect(lines.length).toBeLessThanOrEqual(2);
}

describe("bad input leaves state and store as they were", () => {
  const sb = new Sandbox();
  const state = () => (existsSync(sb.statePath) ? readFileSync(sb.statePath, "utf8") : null);

  beforeAll(() => {
    writeFileSync(sb.path("empty.txt"), "");
    writeFileSync(sb.path("app.bin"), "bin");
    writeFileSync(
      sb.path("bad-sbom.json"),
      JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.5", version: 1, components: [{ type: "not-a-type", name: "x" }] }),
    );
    sb.ok(["keys", "generate"]);
  });
  afterAll(() => sb.cleanup());

  test("add before init", () => {
    expectCleanError(sb.run(["att", "add", "--name", "binary", "--value", "app.bin"]), 1);
    expect(state()).toBeNull();
  });

  for (const bad of ["invalid-yaml.yaml", "invalid-unknown-kind.yaml", "invalid-unknown-field.yaml", "invalid-duplicate-name.yaml", "invalid-not-a-map.yaml"]) {
    test(`init with malformed or wrong-schema contract ${bad}`, () => {
      const before = sb.counts();
      const r = sb.run(["att", "init", "--workflow", "w", "--project", "p", "--contract", join(FIXTURES, "contracts", bad)]);
      expectCleanError(r, 1);
      expect(r.stderr).toContain(bad);
      expect(state()).toBeNull();
      expect(sb.counts()).toEqual(before);
    });
  }

  test("init with a missing contract file", () => {
    expectCleanError(sb.run(["att", "init", "--workflow", "w", "--project", "p", "--contract", "nope.yaml"]), 1);
  });

  test("usage errors exit 2", () => {
    expect(sb.run(["att", "init", "--project", "p"]).code).toBe(2);
    expect(sb.run(["att", "frobnicate"]).code).toBe(2);
  });

  describe("with an attestation in progress", () => {
    let snapshot = "";
    let counts: Counts;
    beforeAll(() => {
      sb.ok(["att", "init", "--workflow", "w", "--project", "p", "--contract", DEMO]);
      sb.ok(["att", "add", "--name", "build-ref", "--value", "v1"]);
      snapshot = state()!;
      counts = sb.counts();
    });
    const unchanged = () => {
      expect(state()).toBe(snapshot);
      expect(sb.counts()).toEqual(counts);
    };

    test("init twice without --replace", () => {
      expectCleanError(sb.run(["att", "init", "--workflow", "w", "--project", "p", "--contract", DEMO]), 1);
      unchanged();
    });
    test("unknown material name", () => {
      const r = sb.run(["att", "add", "--name", "binry", "--value", "app.bin"]);
      expectCleanError(r, 1);
      expect(r.stderr).toContain("binary");
      unchanged();
    });
    test("missing file", () => {
      expectCleanError(sb.run(["att", "add", "--name", "binary", "--value", "missing.bin"]), 1);
      unchanged();
    });
    test("empty file", () => {
      expectCleanError(sb.run(["att", "add", "--name", "binary", "--value", "empty.txt"]), 1);
      unchanged();
    });
    test("SBOM that fails its schema", () => {
      const r = sb.run(["att", "add", "--name", "sbom", "--value", "bad-sbom.json"]);
      expectCleanError(r, 1);
      expect(r.stderr).toContain("bad-sbom.json");
      unchanged();
    });
    test("push with missing required materials lists them", () => {
      const r = sb.run(["att", "push", "--key", "cosign.key"]);
      expectCleanError(r, 1);
      expect(r.stderr).toContain("binary");
      expect(r.stderr).toContain("sbom");
      unchanged();
    });
    test("wrong key password", () => {
      sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
      sb.ok(["att", "add", "--name", "sbom", "--value", join(FIXTURES, "demo", "sbom.cdx.json")]);
      snapshot = state()!;
      counts = sb.counts();
      const r = sb.run(["att", "push", "--key", "cosign.key"], { CAIRN_SIGNING_PASSWORD: "wrong" });
      expectCleanError(r, 1);
      unchanged();
    });
  });
});
