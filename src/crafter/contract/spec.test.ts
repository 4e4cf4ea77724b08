import { describe, expect, test } from "bun:test";
import { expectPaths, parse, v1, v2 } from "./test-support.ts";
import { RUNNER_TYPES } from "./types.ts";

describe("envAllowList", () => {
  test("valid names, repeats dropped", () => {
    expect(parse(v1("envAllowList: [BUILD_NUMBER, _x, lower_ok, A1, BUILD_NUMBER]")).envAllowList).toEqual([
      "BUILD_NUMBER", "_x", "lower_ok", "A1",
    ]);
  });

  test("must be a list of valid env var names", async () => {
    await expectPaths(v1("envAllowList: BUILD_NUMBER"), ["envAllowList"]);
    await expectPaths(v1("envAllowList: [OK, 1BAD, HAS-DASH, 'A B', '']"), [
      "envAllowList[1]", "envAllowList[2]", "envAllowList[3]", "envAllowList[4]",
    ]);
    await expectPaths(v1("envAllowList: [[A]]"), ["envAllowList[0]"]);
    await expectPaths(v1("envAllowList: [1]"), ["envAllowList[0]"]);
  });
});

describe("runner", () => {
  test("every runner type is accepted", () => {
    for (const t of RUNNER_TYPES) expect(parse(v1(`runner: { type: ${t} }`)).runner).toBe(t);
  });

  test("RUNNER_TYPE_UNSPECIFIED, an empty runner or no runner = no requirement", () => {
    for (const body of ["runner: { type: RUNNER_TYPE_UNSPECIFIED }", "runner: {}", "runner:", ""]) {
      const c = parse(v1(body));
      expect(c.runner).toBeUndefined();
      expect("runner" in c).toBe(false);
    }
  });

  test("unknown runner type suggests the closest", async () => {
    const [p] = await expectPaths(v2("runner:\n  type: GITLAB_PIPELNE\n"), ["spec.runner.type"]);
    expect(p!.problem).toContain('"GITLAB_PIPELINE"');
    await expectPaths(v1("runner: { type: github_action }"), ["runner.type"]);
  });

  test("CHAINLOOP_SANDBOX is not supported", async () => {
    await expectPaths(v1("runner: { type: CHAINLOOP_SANDBOX }"), ["runner.type"]);
  });

  test("runner must be a mapping with only type", async () => {
    await expectPaths(v1("runner: GITHUB_ACTION"), ["runner"]);
    await expectPaths(v1("runner: { type: GITHUB_ACTION, url: x }"), ["runner.url"]);
    await expectPaths(v1("runner: { type: 1 }"), ["runner.type"]);
  });
});

describe("unknown fields", () => {
  test("top level (v1), spec and metadata (v2) reject unknown keys with a suggestion", async () => {
    const [p] = await expectPaths(v1("materails: []"), ["materails"]);
    expect(p!.problem).toContain('"materials"');
    const [q] = await expectPaths(v2("envAllowlist: [A]"), ["spec.envAllowlist"]);
    expect(q!.problem).toContain('"envAllowList"');
    await expectPaths(v2("name: x"), ["spec.name"]);
    await expectPaths("apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata: { name: x }\nmaterials: []\n", ["materials"]);
  });

  test("v2-only keys are unknown in v1", async () => {
    await expectPaths(v1("metadata: { name: x }"), ["metadata"]);
  });

  test("odd keys are quoted in the path", async () => {
    await expectPaths(v1('"bad key": 1'), ['["bad key"]']);
  });
});
