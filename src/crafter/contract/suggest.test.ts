import { describe, expect, test } from "bun:test";
import { closest, didYouMean, levenshtein } from "./suggest.ts";

describe("suggestions", () => {
  test("levenshtein", () => {
    expect(levenshtein("", "")).toBe(0);
    expect(levenshtein("abc", "")).toBe(3);
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("optinal", "optional")).toBe(1);
  });

  test("closest ignores case and -/_ and refuses far-off words", () => {
    const keys = ["type", "name", "optional", "output", "skipUpload"];
    expect(closest("optinal", keys)).toBe("optional");
    expect(closest("skip_uplod", keys)).toBe("skipUpload");
    expect(closest("NAME", keys)).toBe("name");
    expect(closest("description", keys)).toBeUndefined();
    expect(closest("x", [])).toBeUndefined();
  });

  test("didYouMean", () => {
    expect(didYouMean("sbom-cyclonedx-json", ["SBOM_CYCLONEDX_JSON", "SBOM_SPDX_JSON"])).toBe(' (did you mean "SBOM_CYCLONEDX_JSON"?)');
    expect(didYouMean("zzzzzzzz", ["SBOM_SPDX_JSON"])).toBe("");
  });
});
