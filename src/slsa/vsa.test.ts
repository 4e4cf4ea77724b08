import { describe, expect, test } from "bun:test";
import { buildVsa, checkVsa, SLSA_VSA_V1, type VsaInput } from "./vsa.ts";

const H = (c: string) => `sha256:${c.repeat(64)}`;
const input: VsaInput = {
  verifierId: "https://cairn.dev/verify",
  verifierVersion: "1.2.3",
  timeVerified: "2025-01-01T00:00:00.000Z",
  resourceUri: "registry.example/app@sha256:aaaa",
  subject: { name: "app", digest: H("a") },
  policyUri: "data:application/json;base64,e30=",
  policyDigest: H("b"),
  inputAttestations: [H("c")],
  result: "PASSED",
  verifiedLevels: ["SLSA_BUILD_LEVEL_1"],
};

/** A valid VSA with one change made to a copy. */
function edited(edit: (st: Record<string, any>) => void): unknown {
  const st = JSON.parse(JSON.stringify(buildVsa(input))) as Record<string, any>;
  edit(st);
  return st;
}

describe("buildVsa", () => {
  test("the SLSA VSA v1 fields, digests as hex", () => {
    const st = buildVsa(input);
    expect(st).toEqual({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: "app", digest: { sha256: "a".repeat(64) } }],
      predicateType: SLSA_VSA_V1,
      predicate: {
        verifier: { id: "https://cairn.dev/verify", version: { cairn: "1.2.3" } },
        timeVerified: "2025-01-01T00:00:00.000Z",
        resourceUri: "registry.example/app@sha256:aaaa",
        policy: { uri: "data:application/json;base64,e30=", digest: { sha256: "b".repeat(64) } },
        inputAttestations: [{ digest: { sha256: "c".repeat(64) } }],
        verificationResult: "PASSED",
        verifiedLevels: ["SLSA_BUILD_LEVEL_1"],
        slsaVersion: "1.0",
      },
    });
    expect(checkVsa(st)).toEqual([]);
  });
});

describe("checkVsa", () => {
  test.each<[string, (st: Record<string, any>) => void, string]>([
    ["statement type", (st) => (st._type = "https://in-toto.io/Statement/v0.1"), "_type: must be https://in-toto.io/Statement/v1"],
    ["no subject", (st) => (st.subject = []), "subject: must be a non-empty list"],
    ["subject without digest", (st) => delete st.subject[0].digest, "subject[0].digest: required"],
    ["upper-case hex", (st) => (st.subject[0].digest.sha256 = "A".repeat(64)), "subject[0].digest.sha256: must be lowercase hex"],
    ["predicate type", (st) => (st.predicateType = "https://slsa.dev/provenance/v1"), `predicateType: must be ${SLSA_VSA_V1}`],
    ["verifier id", (st) => delete st.predicate.verifier.id, "predicate.verifier.id: required (a URI)"],
    ["verifier version", (st) => (st.predicate.verifier.version = { cairn: 1 }), "predicate.verifier.version: must map names to version strings"],
    ["time", (st) => (st.predicate.timeVerified = "2025-01-01 00:00"), "predicate.timeVerified: must be RFC 3339 in UTC (…Z)"],
    ["resource", (st) => (st.predicate.resourceUri = ""), "predicate.resourceUri: required (a URI)"],
    ["policy uri", (st) => delete st.predicate.policy.uri, "predicate.policy.uri: required"],
    ["policy digest", (st) => (st.predicate.policy.digest = {}), "predicate.policy.digest: must be a non-empty digest set"],
    ["input attestation digest", (st) => (st.predicate.inputAttestations = [{ uri: "x" }]), "predicate.inputAttestations[0].digest: required"],
    ["result", (st) => (st.predicate.verificationResult = "OK"), "predicate.verificationResult: must be PASSED or FAILED"],
    ["levels missing", (st) => delete st.predicate.verifiedLevels, "predicate.verifiedLevels: required, a list of strings"],
    ["two levels of one track", (st) => (st.predicate.verifiedLevels = ["SLSA_BUILD_LEVEL_1", "SLSA_BUILD_LEVEL_2"]), "predicate.verifiedLevels: more than one level for track BUILD"],
    ["custom SLSA_ value", (st) => (st.predicate.verifiedLevels = ["SLSA_GREAT"]), "predicate.verifiedLevels: SLSA_GREAT is not a SLSA level (custom values must not start with SLSA_)"],
    ["FAILED without FAILED", (st) => (st.predicate.verificationResult = "FAILED"), "predicate.verifiedLevels: must hold FAILED when verificationResult is FAILED"],
    ["PASSED with FAILED", (st) => (st.predicate.verifiedLevels = ["FAILED"]), "predicate.verifiedLevels: holds FAILED but verificationResult is PASSED"],
    ["dependency levels", (st) => (st.predicate.dependencyLevels = { SLSA_BUILD_LEVEL_1: -1 }), "predicate.dependencyLevels: must map SLSA levels to counts (non-negative integers)"],
    ["slsa version", (st) => (st.predicate.slsaVersion = "one"), "predicate.slsaVersion: must be a SLSA version such as 1.0"],
  ])("%s", (_name, edit, problem) => {
    expect(checkVsa(edited(edit))).toEqual([problem]);
  });

  test("not an object, no predicate", () => {
    expect(checkVsa([])).toEqual(["statement: not a JSON object"]);
    expect(checkVsa(edited((st) => delete st.predicate))).toEqual(["predicate: must be an object"]);
  });

  test("custom levels that do not start with SLSA_ and an empty dependencyLevels are fine", () => {
    expect(checkVsa(edited((st) => (st.predicate.verifiedLevels = ["SLSA_BUILD_LEVEL_UNEVALUATED", "ACME_REVIEWED"], st.predicate.dependencyLevels = {})))).toEqual([]);
  });
});
