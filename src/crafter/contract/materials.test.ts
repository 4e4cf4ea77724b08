import { describe, expect, test } from "bun:test";
import { expectPaths, parse, problemsOf, v1, v2 } from "./test-support.ts";

const material = (fields: string) => v1(`materials:\n  - { ${fields} }\n`);

describe("materials", () => {
  test("defaults: required, not output, uploaded, no group, no annotations", () => {
    const [m] = parse(material("type: ARTIFACT, name: bin")).materials;
    expect(m).toEqual({ name: "bin", type: "ARTIFACT", optional: false, output: false, skipUpload: false, annotations: [] });
  });

  test("all fields", () => {
    const [m] = parse(
      material("type: SBOM_SPDX_JSON, name: sbom-2, optional: true, output: true, skipUpload: true, group: sboms"),
    ).materials;
    expect(m).toEqual({
      name: "sbom-2", type: "SBOM_SPDX_JSON", optional: true, output: true, skipUpload: true, group: "sboms", annotations: [],
    });
  });

  test("every Chainloop kind is accepted", () => {
    const text = v1(`materials:\n${["STRING", "CHECKMARX_JSON", "RADAMSA_CRASHES", "ZAP_DAST_ZIP"].map((k, i) => `  - { type: ${k}, name: m${i} }`).join("\n")}\n`);
    expect(parse(text).materials.map((m) => m.type)).toEqual(["STRING", "CHECKMARX_JSON", "RADAMSA_CRASHES", "ZAP_DAST_ZIP"]);
  });

  test("type is required", async () => {
    await expectPaths(material("name: a"), ["materials[0].type"]);
    await expectPaths(material("name: a, type: MATERIAL_TYPE_UNSPECIFIED"), ["materials[0].type"]);
    await expectPaths(material('name: a, type: ""'), ["materials[0].type"]);
  });

  test("unknown type suggests the closest kind", async () => {
    const [p] = await expectPaths(v2("materials:\n  - { name: a, type: ARTIFACT }\n  - { name: b, type: CONTAINER_IMAGES }\n"), [
      "spec.materials[1].type",
    ]);
    expect(p!.problem).toContain('"CONTAINER_IMAGE"');
    const [q] = await expectPaths(material("name: a, type: sbom_cyclonedx_json"), ["materials[0].type"]);
    expect(q!.problem).toContain('"SBOM_CYCLONEDX_JSON"');
    const [r] = await expectPaths(material("name: a, type: WHATEVER_FORMAT"), ["materials[0].type"]);
    expect(r!.problem).not.toContain("did you mean");
  });

  test("type must be one of knownKinds, not any Chainloop kind", async () => {
    const { parseContract } = await import("./parse.ts");
    expect(() => parseContract(material("type: SARIF, name: a"), { source: "c.yaml", knownKinds: ["ARTIFACT"] })).toThrow();
    expect(parseContract(material("type: ARTIFACT, name: a"), { source: "c.yaml", knownKinds: ["ARTIFACT"] }).materials.length).toBe(1);
  });

  test("type must be a string", async () => {
    await expectPaths(material("name: a, type: 3"), ["materials[0].type"]);
  });

  test("name is required and DNS-1123", async () => {
    await expectPaths(material("type: ARTIFACT"), ["materials[0].name"]);
    for (const bad of ["Bin", "bin_1", "-bin", "bin-", "a.b", '""']) {
      await expectPaths(material(`type: ARTIFACT, name: ${bad}`), ["materials[0].name"]);
    }
    for (const good of ["a", "0", "bin-1", "my-long-name-2"]) {
      expect(parse(material(`type: ARTIFACT, name: ${good}`)).materials[0]!.name).toBe(good);
    }
  });

  test("names are unique", async () => {
    const [p] = await expectPaths(
      v1("materials:\n  - { type: ARTIFACT, name: a }\n  - { type: STRING, name: b }\n  - { type: STRING, name: a }\n"),
      ["materials[2].name"],
    );
    expect(p!.line).toBe(5);
  });

  test("group is DNS-1123", async () => {
    await expectPaths(material("type: ARTIFACT, name: a, group: SBOM"), ["materials[0].group"]);
    await expectPaths(material("type: ARTIFACT, name: a, group: [x]"), ["materials[0].group"]);
  });

  test("booleans must be booleans", async () => {
    for (const field of ["optional", "output", "skipUpload"]) {
      await expectPaths(material(`type: ARTIFACT, name: a, ${field}: "true"`), [`materials[0].${field}`]);
      await expectPaths(material(`type: ARTIFACT, name: a, ${field}: 1`), [`materials[0].${field}`]);
      await expectPaths(material(`type: ARTIFACT, name: a, ${field}: yes`), [`materials[0].${field}`]);
    }
  });

  test("a typo in a field name is rejected, not ignored", async () => {
    const [p] = await expectPaths(material("type: ARTIFACT, name: a, optinal: true"), ["materials[0].optinal"]);
    expect(p!.problem).toContain('"optional"');
    const [q] = await expectPaths(material("type: ARTIFACT, name: a, skipUplaod: true"), ["materials[0].skipUplaod"]);
    expect(q!.problem).toContain('"skipUpload"');
  });

  test("both spellings of one field are rejected", async () => {
    await expectPaths(material("type: ARTIFACT, name: a, skipUpload: true, skip_upload: false"), ["materials[0].skip_upload"]);
  });

  test("each material must be a mapping; materials must be a list", async () => {
    await expectPaths(v1("materials:\n  - ARTIFACT\n"), ["materials[0]"]);
    await expectPaths(v1("materials: { a: 1 }\n"), ["materials"]);
  });
});

describe("annotations", () => {
  test("contract and material annotations; empty value = to be supplied later", () => {
    const c = parse(v1(
      "annotations:\n  - { name: team, value: core }\n  - name: ticket\n" +
        "materials:\n  - type: ARTIFACT\n    name: a\n    annotations:\n      - { name: component, value: api }\n      - { name: owner }\n",
    ));
    expect(c.annotations).toEqual([{ name: "team", value: "core" }, { name: "ticket", value: "" }]);
    expect(c.materials[0]!.annotations).toEqual([{ name: "component", value: "api" }, { name: "owner", value: "" }]);
  });

  test("values are coerced to strings as written", () => {
    const c = parse(v1("annotations:\n  - { name: version, value: 1.10 }\n  - { name: beta, value: true }\n"));
    expect(c.annotations).toEqual([{ name: "version", value: "1.10" }, { name: "beta", value: "true" }]);
  });

  test("names are \\w+ (no dots, dashes or spaces) and required", async () => {
    expect(parse(v1("annotations: [{ name: with_Default1, value: x }]")).annotations[0]!.name).toBe("with_Default1");
    for (const bad of ["a.b", "a-b", '"a b"', '""']) await expectPaths(v1(`annotations: [{ name: ${bad} }]`), ["annotations[0].name"]);
    await expectPaths(v1("annotations: [{ value: x }]"), ["annotations[0].name"]);
    await expectPaths(
      v1("materials:\n  - { type: ARTIFACT, name: a, annotations: [{ name: chainloop.x }] }\n"),
      ["materials[0].annotations[0].name"],
    );
  });

  test("duplicate names are rejected", async () => {
    await expectPaths(v1("annotations: [{ name: a }, { name: a, value: x }]"), ["annotations[1].name"]);
  });

  test("value must be a scalar; unknown keys rejected", async () => {
    await expectPaths(v1("annotations: [{ name: a, value: [x] }]"), ["annotations[0].value"]);
    await expectPaths(v1("annotations: [{ name: a, vaule: x }]"), ["annotations[0].vaule"]);
  });

  test("problems carry line and column", async () => {
    const [p] = await problemsOf(v1("annotations:\n  - name: a.b\n"));
    expect([p!.line, p!.column]).toEqual([3, 11]);
  });
});
