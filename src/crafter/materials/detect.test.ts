import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { detectKind, sampleOf, sniffAll } from "./detect.ts";
import { fixtureBytes, OWNED_KINDS } from "../../../test/kind-table.ts";
import { MATERIAL_KINDS } from "./registry.ts";

const FIXTURES = join(import.meta.dir, "../../../fixtures/materials");
const enc = new TextEncoder();

describe("every positive fixture is detected as exactly its kind", () => {
  for (const name of OWNED_KINDS) {
    const kind = MATERIAL_KINDS.find((k) => k.kind === name);
    for (const file of readdirSync(join(FIXTURES, name)).filter((f) => f.startsWith("valid-"))) {
      test(`${name}/${file}`, () => {
        const bytes = fixtureBytes(name, file);
        const sample = sampleOf(bytes, file);
        // Kinds left out of auto-discovery must not be claimed by any other kind either.
        expect(detectKind(sample, file).kind).toBe(kind?.autoDetect ? name : "ARTIFACT");
        const claims = sniffAll(sample).map((k) => k.kind);
        const text = new TextDecoder().decode(bytes).trim();
        // `[]` and an empty file are every scanner's clean report: nobody else may claim them.
        if (text === "[]" || text === "") expect(claims.filter((k) => k !== name)).toEqual([]);
        else expect(claims).toEqual([name]);
      });
    }
  }
});

describe("detectKind", () => {
  test("a value that is not a file is a STRING", () => {
    expect(detectKind(null, "v1.2.3").kind).toBe("STRING");
  });

  test("binary and unrecognised files fall back to ARTIFACT", () => {
    const elf = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) % 251);
    elf.set([0x7f, 0x45, 0x4c, 0x46]);
    expect(detectKind({ head: elf, size: 1 << 30, fileName: "app" }, "app").kind).toBe("ARTIFACT");
    expect(detectKind(sampleOf(enc.encode('{"name": "x"}'), "x.json"), "x.json").kind).toBe("ARTIFACT");
    expect(detectKind(sampleOf(enc.encode("[]"), "report.json"), "report.json").kind).toBe("ARTIFACT");
  });

  test("a large SBOM is recognised from its first 64 KiB", () => {
    const components = Array.from({ length: 20000 }, (_, i) => ({ type: "library", name: `p${i}`, version: "1.0.0" }));
    const bytes = enc.encode(JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", components }));
    expect(bytes.length).toBeGreaterThan(512 * 1024);
    expect(detectKind(sampleOf(bytes, "big.json"), "big.json").kind).toBe("SBOM_CYCLONEDX_JSON");
  });

  test("an envelope whose predicateType lies beyond the head is still an ATTESTATION", () => {
    const statement = { _type: "https://in-toto.io/Statement/v1", subject: Array.from({ length: 2000 }, (_, i) => ({ name: `f${i}`, digest: { sha256: "ab".repeat(32) } })), predicateType: "https://cairn.dev/attestation/v0.1", predicate: {} };
    const envelope = { payloadType: "application/vnd.in-toto+json", payload: Buffer.from(JSON.stringify(statement)).toString("base64"), signatures: [{ sig: "c2ln" }] };
    const bytes = enc.encode(JSON.stringify(envelope));
    expect(detectKind(sampleOf(bytes, "att.json"), "att.json").kind).toBe("ATTESTATION");
  });

  test("a statement without predicateType is not claimed", () => {
    const envelope = { payloadType: "application/vnd.in-toto+json", payload: Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}').toString("base64"), signatures: [{ sig: "c2ln" }] };
    expect(detectKind(sampleOf(enc.encode(JSON.stringify(envelope)), "e.json"), "e.json").kind).toBe("ARTIFACT");
  });
});

describe("registry order", () => {
  const names: string[] = MATERIAL_KINDS.map((k) => k.kind);

  test("kind names are unique and ARTIFACT, STRING come last", () => {
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(-2)).toEqual(["ARTIFACT", "STRING"]);
  });

  test("auto-detected kinds follow Chainloop's CraftingMaterialInValidationOrder", () => {
    const chainloop =
      "OPENVEX SBOM_CYCLONEDX_JSON SBOM_SPDX_JSON CSAF_VEX CSAF_INFORMATIONAL_ADVISORY CSAF_SECURITY_ADVISORY CSAF_SECURITY_INCIDENT_RESPONSE " +
      "GITLAB_SECURITY_REPORT GITLEAKS_JSON YELP_DETECT_SECRETS_BASELINE SYSINTERNALS_SIGCHECK OSSF_SCORECARD_JSON OPENAPI_SPEC ASYNCAPI_SPEC " +
      "GRAPHQL_SPEC JUNIT_XML JACOCO_XML COBERTURA_XML HELM_CHART SARIF BLACKDUCK_SCA_JSON TWISTCLI_SCAN_JSON ZAP_DAST_ZIP SLSA_PROVENANCE " +
      "CHAINLOOP_RUNNER_CONTEXT CHAINLOOP_AI_AGENT_CONFIG CHAINLOOP_AI_CODING_SESSION ATTESTATION CONTAINER_IMAGE ARTIFACT STRING";
    const auto: string[] = MATERIAL_KINDS.filter((k) => k.autoDetect).map((k) => k.kind);
    expect(auto).toEqual(chainloop.split(" ").filter((k) => auto.includes(k)));
  });

  test("kinds Chainloop keeps out of auto-discovery are not auto-detected", () => {
    const manual: string[] = MATERIAL_KINDS.filter((k) => !k.autoDetect).map((k) => k.kind);
    for (const k of ["EVIDENCE", "GHAS_CODE_SCAN", "GHAS_SECRET_SCAN", "GHAS_DEPENDENCY_SCAN", "TRUFFLEHOG_JSON", "CHECKMARX_JSON"]) {
      expect(manual).toContain(k);
    }
  });
});

test("a protojson bundle whose payload runs past the head (payloadType unseen) is still an ATTESTATION", () => {
  const statement = { _type: "https://in-toto.io/Statement/v1", subject: Array.from({ length: 2000 }, (_, i) => ({ name: `f${i}`, digest: { sha256: "ab".repeat(32) } })), predicateType: "chainloop.dev/attestation/v0.2", predicate: {} };
  const bundle = {
    mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.3",
    dsseEnvelope: { payload: Buffer.from(JSON.stringify(statement)).toString("base64"), payloadType: "application/vnd.in-toto+json", signatures: [{ sig: "c2ln" }] },
  };
  const bytes = new TextEncoder().encode(JSON.stringify(bundle));
  expect(bytes.length).toBeGreaterThan(128 * 1024);
  expect(detectKind(sampleOf(bytes, "att.json"), "att.json").kind).toBe("ATTESTATION");
});
