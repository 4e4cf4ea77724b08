import { describe, expect, test } from "bun:test";
import { classifyEntryName, entryNames } from "./transfer-names.ts";

const HEX = "ab".repeat(32);

describe("classifyEntryName", () => {
  test("accepts exactly the layout's names", () => {
    expect(classifyEntryName("manifest.json")).toEqual({ kind: "manifest" });
    expect(classifyEntryName("manifest.sigstore.json")).toEqual({ kind: "manifest-signature" });
    expect(classifyEntryName("runs.json")).toEqual({ kind: "runs" });
    expect(classifyEntryName(`attestations/${HEX}.json`)).toEqual({ kind: "attestation", digest: `sha256:${HEX}` });
    expect(classifyEntryName(`blobs/sha256/${HEX}`)).toEqual({ kind: "blob", digest: `sha256:${HEX}` });
    expect(classifyEntryName("contracts/build-app/3.yaml")).toEqual({ kind: "contract", contract: "build-app", revision: 3, format: "yaml" });
  });

  test("entryNames round-trip through the classifier", () => {
    expect(classifyEntryName(entryNames.blob(`sha256:${HEX}`))).toMatchObject({ digest: `sha256:${HEX}` });
    expect(classifyEntryName(entryNames.attestation(`sha256:${HEX}`))).toMatchObject({ kind: "attestation" });
    expect(classifyEntryName(entryNames.contract("c", 1, "json"))).toMatchObject({ contract: "c", revision: 1, format: "json" });
  });

  test.each([
    ["", "empty"],
    ["/etc/passwd", "absolute"],
    ["../evil", "`..`"],
    [`blobs/sha256/../${HEX}`, "`..`"],
    ["contracts/..\\x/1.yaml", "`..`"],
    ["x".repeat(201), "longer"],
    [`blobs/sha256/${HEX.toUpperCase()}`, "not part of the export layout"],
    [`blobs/sha256/${HEX}/`, "not part of the export layout"],
    ["contracts/Bad/1.yaml", "not part of the export layout"],
    ["contracts/ok/0.yaml", "not part of the export layout"],
    ["./manifest.json", "not part of the export layout"],
    ["manifest.json\u0000", "not part of the export layout"],
  ])("refuses %j (%s)", (name, why) => {
    const r = classifyEntryName(name);
    expect("refused" in r && r.refused).toContain(why);
  });
});
