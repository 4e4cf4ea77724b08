import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { parseContract } from "./parse.ts";
import { CHAINLOOP_KINDS, expectPaths, parse, problemsOf, v1, v2 } from "./test-support.ts";
import { EMPTY_CONTRACT } from "./types.ts";

const BODY = `materials:
  - type: ARTIFACT
    name: binary
    output: true
  - type: STRING
    name: build-ref
    optional: true
envAllowList: [BUILD_NUMBER]
runner:
  type: JENKINS_JOB
annotations:
  - name: team
    value: core`;

describe("formats", () => {
  test("the kind list is Chainloop's 42", () => {
    expect(CHAINLOOP_KINDS.length).toBe(42);
    expect(new Set(CHAINLOOP_KINDS).size).toBe(42);
  });

  test("v1 and v2 normalize to the same contract (apart from format and name)", () => {
    const a = parse(v1(BODY));
    const b = parse(v2(BODY, "release"));
    expect(a.format).toBe("v1");
    expect(b.format).toBe("v2");
    expect(a.name).toBeUndefined();
    expect(b.name).toBe("release");
    const { format: _fa, ...restA } = a;
    const { format: _fb, name: _nb, ...restB } = b;
    expect(restB).toEqual(restA);
    expect(a.materials.map((m) => [m.name, m.type, m.optional, m.output])).toEqual([
      ["binary", "ARTIFACT", false, true],
      ["build-ref", "STRING", true, false],
    ]);
    expect(a.runner).toBe("JENKINS_JOB");
    expect(a.envAllowList).toEqual(["BUILD_NUMBER"]);
    expect(a.annotations).toEqual([{ name: "team", value: "core" }]);
  });

  test("JSON and YAML give the same contract", () => {
    const json = JSON.stringify({
      apiVersion: "chainloop.dev/v1",
      kind: "Contract",
      metadata: { name: "release" },
      spec: {
        materials: [
          { type: "ARTIFACT", name: "binary", output: true },
          { type: "STRING", name: "build-ref", optional: true },
        ],
        envAllowList: ["BUILD_NUMBER"],
        runner: { type: "JENKINS_JOB" },
        annotations: [{ name: "team", value: "core" }],
      },
    });
    expect(parse(json, "c.json")).toEqual(parse(v2(BODY, "release")));
  });

  test("cairn.dev/v1 is accepted as apiVersion", () => {
    const c = parse(v2(BODY).replace("chainloop.dev/v1", "cairn.dev/v1"));
    expect(c.format).toBe("v2");
    expect(c.materials.length).toBe(2);
  });

  test("v2 metadata: description, annotations (coerced to strings), organization", () => {
    const c = parse(
      "apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata:\n  name: x\n  description: d\n" +
        "  annotations: { tier: 1, public: true }\n  organization: acme\n",
    );
    expect(c.description).toBe("d");
    expect(c.metadataAnnotations).toEqual({ tier: "1", public: "true" });
    expect(c.organization).toBe("acme");
  });

  test("empty document, comments only, {} and empty lists are valid and require nothing", () => {
    for (const text of ["", "  \n", "# nothing\n", "{}", "schemaVersion: v1\nmaterials: []\n", "schemaVersion: v1\nmaterials:\n"]) {
      const c = parse(text);
      expect(c.materials).toEqual([]);
      expect(c.envAllowList).toEqual([]);
      expect(c.runner).toBeUndefined();
    }
    const { name: _n, ...empty } = EMPTY_CONTRACT;
    expect(parse("")).toEqual(empty);
  });

  test("a v2 contract may omit spec or leave it empty", () => {
    expect(parse("apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata: { name: x }\n").materials).toEqual([]);
    expect(parse("apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata: { name: x }\nspec:\n").materials).toEqual([]);
  });

  test("a contract may only set the runner, or only env vars", () => {
    expect(parse(v1("runner: { type: GITHUB_ACTION }")).runner).toBe("GITHUB_ACTION");
    expect(parse(v1("envAllowList: [A, B]")).envAllowList).toEqual(["A", "B"]);
  });

  test("protojson snake_case spellings are accepted", () => {
    const c = parse("schema_version: v1\nenv_allow_list: [A]\nmaterials:\n  - { type: ARTIFACT, name: a, skip_upload: true }\n");
    expect(c.envAllowList).toEqual(["A"]);
    expect(c.materials[0]!.skipUpload).toBe(true);
    expect(parse("api_version: chainloop.dev/v1\nkind: Contract\nmetadata: { name: x }\n").format).toBe("v2");
  });
});

describe("document-level errors", () => {
  test("YAML syntax error names line and column", async () => {
    const e = await expectCode(() => parse("schemaVersion: v1\nmaterials:\n  - name: [a\n  - b: c\n"), "CONTRACT_INVALID");
    const d = e.details as { path: string; line: number; column: number }[];
    expect(d[0]!.path).toBe("");
    expect(d[0]!.line).toBeGreaterThan(0);
    expect(d[0]!.column).toBeGreaterThan(0);
    expect(e.message.startsWith(`contract.yaml:${d[0]!.line}:${d[0]!.column}: `)).toBe(true);
  });

  test("invalid JSON is a syntax error too", async () => {
    const d = await problemsOf('{"schemaVersion": "v1", "materials": [}', "c.json");
    expect(d[0]!.line).toBe(1);
  });

  test("duplicate keys are rejected", async () => {
    const d = await problemsOf("schemaVersion: v1\nrunner: { type: GITHUB_ACTION }\nrunner: { type: JENKINS_JOB }\n");
    expect(d[0]!.line).toBe(3);
  });

  test("multiple YAML documents are rejected", async () => {
    await problemsOf("schemaVersion: v1\n---\nschemaVersion: v1\n");
  });

  test("the document must be a mapping", async () => {
    for (const text of ["- a\n- b\n", "just a string\n", "42\n", "true\n"]) await expectPaths(text, [""]);
  });

  test("unknown format: neither header", async () => {
    const e = await expectCode(() => parse("materials:\n  - { type: ARTIFACT, name: a }\n"), "CONTRACT_INVALID");
    expect((e.details as { path: string }[]).map((p) => p.path)).toEqual([""]);
    expect(e.hint).toContain("schemaVersion: v1");
    expect(e.hint).toContain("kind: Contract");
  });

  test("both headers at once", async () => {
    await expectPaths("schemaVersion: v1\napiVersion: chainloop.dev/v1\nkind: Contract\n", [""]);
  });

  test("v1 schemaVersion must be v1", async () => {
    await expectPaths("schemaVersion: v2\n", ["schemaVersion"]);
    await expectPaths("schemaVersion: 1\n", ["schemaVersion"]);
  });

  test("v2 header checks", async () => {
    await expectPaths("apiVersion: chainloop.dev/v2\nkind: Contract\nmetadata: { name: x }\n", ["apiVersion"]);
    await expectPaths("kind: Contract\nmetadata: { name: x }\n", ["apiVersion"]);
    await expectPaths("apiVersion: chainloop.dev/v1\nmetadata: { name: x }\n", ["kind"]);
    await expectPaths("apiVersion: chainloop.dev/v1\nkind: Contract\n", ["metadata"]);
    await expectPaths("apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata: { description: x }\n", ["metadata.name"]);
    await expectPaths("apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata: { name: Bad_Name }\n", ["metadata.name"]);
    await expectPaths("apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata: { name: x, labels: {} }\n", ["metadata.labels"]);
    await expectPaths("apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata: { name: x }\nspec: [1]\n", ["spec"]);
  });

  test("a Policy/PolicyGroup document is reported as the wrong kind only", async () => {
    const e = await expectCode(
      () => parse("apiVersion: chainloop.dev/v1\nkind: PolicyGroup\nmetadata: { name: g }\nspec: { inputs: [] }\n"),
      "CONTRACT_INVALID",
    );
    expect((e.details as { path: string }[]).map((p) => p.path)).toEqual(["kind"]);
  });

  test("a file extension other than yaml/yml/json is rejected; labels without one are not checked", async () => {
    await expectCode(() => parseContract("", { source: "contract.xml", knownKinds: [] }), "CONTRACT_INVALID");
    await expectCode(() => parseContract("schemaVersion: v1", { source: "c.cue", knownKinds: [] }), "CONTRACT_INVALID");
    expect(parseContract("schemaVersion: v1", { source: "C.YML", knownKinds: [] }).format).toBe("v1");
    expect(parseContract("schemaVersion: v1", { source: "stored contract release", knownKinds: [] }).format).toBe("v1");
  });
});

describe("error shape", () => {
  test("all problems collected, first in the message with (and N more), document order", async () => {
    const text = v1(
      "materials:\n  - { type: NOPE, name: a }\n  - { type: ARTIFACT, name: B }\nrunner: { type: NOPE }\nenvAllowList: [1A]\n",
    );
    const e = await expectCode(() => parse(text), "CONTRACT_INVALID");
    const d = e.details as { path: string; problem: string; line: number }[];
    expect(d.map((p) => p.path)).toEqual(["materials[0].type", "materials[1].name", "runner.type", "envAllowList[0]"]);
    expect(d.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    expect(e.message).toBe(`contract.yaml: materials[0].type: ${d[0]!.problem} (and 3 more)`);
    expect(typeof e.hint).toBe("string");
  });

  test("a single problem has no (and N more)", async () => {
    const e = await expectCode(() => parse(v1("materials: [{ type: ARTIFACT }]")), "CONTRACT_INVALID");
    expect(e.message).toBe("contract.yaml: materials[0].name: is required");
  });
});
