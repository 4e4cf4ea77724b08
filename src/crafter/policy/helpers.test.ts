import { describe, expect, test } from "bun:test";
import { licenseIds, purlOf, sbomComponents, spdxIds } from "./helpers.ts";

describe("CEL helpers", () => {
  test("spdxIds drops operators, parentheses and NOASSERTION", () => {
    expect(spdxIds("(MIT OR GPL-3.0-only) AND Apache-2.0 WITH LLVM-exception")).toEqual(["MIT", "GPL-3.0-only", "Apache-2.0", "LLVM-exception"]);
    expect(spdxIds("NOASSERTION")).toEqual([]);
  });

  test("sbomComponents flattens nested CycloneDX components and returns SPDX packages", () => {
    const cdx = { components: [{ name: "a", components: [{ name: "b" }] }, { name: "c" }, "junk"] };
    expect(sbomComponents(cdx).map((c) => c["name"])).toEqual(["a", "b", "c"]);
    expect(sbomComponents({ packages: [{ name: "p" }] }).map((c) => c["name"])).toEqual(["p"]);
    expect(sbomComponents(null)).toEqual([]);
  });

  test("licenseIds reads CycloneDX ids, names and expressions, and SPDX license fields, without duplicates", () => {
    expect(licenseIds({ licenses: [{ license: { id: "MIT" } }, { license: { name: "Custom" } }, { expression: "MIT OR Zlib" }] })).toEqual(["MIT", "Custom", "Zlib"]);
    expect(licenseIds({ licenseConcluded: "GPL-2.0-only", licenseDeclared: "NOASSERTION", licenseInfoFromFiles: ["BSD-3-Clause"] })).toEqual(["GPL-2.0-only", "BSD-3-Clause"]);
  });

  test("purlOf reads the CycloneDX purl or the SPDX purl external reference", () => {
    expect(purlOf({ purl: "pkg:npm/a@1" })).toBe("pkg:npm/a@1");
    expect(purlOf({ externalRefs: [{ referenceType: "cpe23Type", referenceLocator: "cpe" }, { referenceType: "purl", referenceLocator: "pkg:npm/b@2" }] })).toBe("pkg:npm/b@2");
    expect(purlOf({})).toBe("");
  });
});
