import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { evaluateMaterial } from "./evaluate.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-evaluate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sbom = JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.5", version: 1, components: [] });

describe("evaluateMaterial: a file of another kind", () => {
  test("names the material, the expected kind and the detected one", async () => {
    writeFileSync(join(dir, "sbom.cdx.json"), sbom);
    const err = await expectCode(() => evaluateMaterial("sbom.cdx.json", "JUNIT_XML", { cwd: dir, strict: true, materialName: "tests" }), "MATERIAL_INVALID");
    expect(err.message).toBe("material tests expects JUNIT_XML, but the file sbom.cdx.json looks like SBOM_CYCLONEDX_JSON");
    expect(err.hint).toContain("--kind SBOM_CYCLONEDX_JSON");
    expect(err.hint).toContain("not well-formed XML");
  });

  test("without a material name it says what was expected", async () => {
    const err = await expectCode(() => evaluateMaterial("sbom.cdx.json", "JUNIT_XML", { cwd: dir, strict: true }), "MATERIAL_INVALID");
    expect(err.message).toStartWith("expected JUNIT_XML, but the file sbom.cdx.json looks like SBOM_CYCLONEDX_JSON");
  });

  test("a broken file of the expected kind keeps its own message", async () => {
    writeFileSync(join(dir, "broken.xml"), "<testsuite><testcase></testsuite>");
    const err = await expectCode(() => evaluateMaterial("broken.xml", "JUNIT_XML", { cwd: dir, strict: true, materialName: "tests" }), "MATERIAL_INVALID");
    expect(err.message).toContain("broken.xml: is not well-formed XML");
  });
});
