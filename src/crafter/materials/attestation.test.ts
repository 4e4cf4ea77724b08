import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { attestationKind } from "./attestation.ts";
import { fixtureBytes, kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-bundle-v0.1-keyid.json",
    digest: "sha256:f190c261df6121f93c69cd38b55b0518f380a368a380be9ddcc0fe93616f2e00",
    annotations: {
      "cairn.material.attestation.predicate_type": "https://cairn.dev/attestation/v0.1",
      "cairn.material.attestation.subject_count": "3",
      "cairn.material.attestation.container": "bundle-0.1",
      "cairn.material.attestation.workflow_name": "build-api",
    },
  },
  {
    file: "valid-cairn-dsse.json",
    digest: "sha256:8b363e41441661312dcb6e9620a89338800d891b8e80f33557ba32e6e90890ef",
    annotations: {
      "cairn.material.attestation.predicate_type": "https://cairn.dev/attestation/v0.1",
      "cairn.material.attestation.subject_count": "3",
      "cairn.material.attestation.container": "dsse",
      "cairn.material.attestation.workflow_name": "build-api",
    },
  },
  {
    file: "valid-chainloop-bundle-v0.3.json",
    digest: "sha256:1288a9678ea174d1325598eed7a7b9fb9d04a86ad938555606061bbc27369849",
    annotations: {
      "cairn.material.attestation.predicate_type": "chainloop.dev/attestation/v0.2",
      "cairn.material.attestation.subject_count": "1",
      "cairn.material.attestation.container": "bundle-0.3",
      "cairn.material.attestation.workflow_name": "deploy",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-message-signature-bundle.json", code: "MATERIAL_INVALID" },
  { file: "invalid-no-subject.json", code: "MATERIAL_INVALID" },
  { file: "invalid-payload-not-base64.json", code: "MATERIAL_INVALID" },
  { file: "invalid-payload-type.json", code: "MATERIAL_INVALID" },
  { file: "invalid-slsa-predicate.json", code: "MATERIAL_INVALID" },
  { file: "invalid-unsigned.json", code: "MATERIAL_INVALID" },
];

kindTable(attestationKind, positives, negatives);

describe("ATTESTATION details", () => {
  const enc = new TextEncoder();
  const ctx = { fileName: "att.json", strict: true };
  const envelope = (statement: unknown, extra: Record<string, unknown> = {}) =>
    enc.encode(JSON.stringify({ payloadType: "application/vnd.in-toto+json", payload: Buffer.from(JSON.stringify(statement)).toString("base64"), signatures: [{ sig: "c2ln" }], ...extra }));

  test("Chainloop's protojson field names (type, predicate_type) are accepted", () => {
    const v = attestationKind.validate(envelope({ type: "https://in-toto.io/Statement/v1", predicate_type: "chainloop.dev/attestation/v0.2", subject: [{ name: "x", digest: { sha256: "00" } }], predicate: { metadata: { workflowName: "wf" } } }), ctx);
    expect(v.annotations["cairn.material.attestation.workflow_name"]).toBe("wf");
  });

  test("a v0.3 bundle with a certificate chain is accepted with a warning, as Chainloop writes them", () => {
    const stmt = { _type: "https://in-toto.io/Statement/v1", predicateType: "chainloop.dev/attestation/v0.2", subject: [{ name: "x", digest: { sha256: "00" } }] };
    const bundle = {
      mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.3",
      verificationMaterial: { x509CertificateChain: { certificates: [{ rawBytes: "AA==" }] } },
      dsseEnvelope: { payloadType: "application/vnd.in-toto+json", payload: Buffer.from(JSON.stringify(stmt)).toString("base64"), signatures: [{ sig: "c2ln" }] },
    };
    const v = attestationKind.validate(enc.encode(JSON.stringify(bundle)), ctx);
    expect(v.warnings.length).toBe(1);
    expect(v.annotations["cairn.material.attestation.container"]).toBe("bundle-0.3");
  });

  test("an unknown statement type or a non-JSON payload is rejected", async () => {
    await expectCode(() => attestationKind.validate(envelope({ _type: "https://example.com/Statement", predicateType: "chainloop.dev/attestation/v0.2", subject: [{}] }), ctx), "MATERIAL_INVALID");
    const raw = enc.encode(JSON.stringify({ payloadType: "application/vnd.in-toto+json", payload: Buffer.from("not json").toString("base64"), signatures: [{ sig: "c2ln" }] }));
    await expectCode(() => attestationKind.validate(raw, ctx), "MATERIAL_INVALID");
  });

  test("an in-toto link (no envelope fields, no bundle mediaType) is named as not a DSSE envelope or Sigstore bundle", async () => {
    const link = enc.encode(JSON.stringify({ _type: "link", name: "build", materials: {}, products: {} }));
    const err = await expectCode(() => attestationKind.validate(link, ctx), "MATERIAL_INVALID");
    expect(err.message).toContain('is not a DSSE envelope or Sigstore bundle (its _type is "link")');
    expect(err.message).not.toContain("payloadType undefined");
    expect(err.hint).toContain("EVIDENCE");
  });

  test("the policy input is the decoded statement", () => {
    const st = attestationKind.project(fixtureBytes("ATTESTATION", "valid-chainloop-bundle-v0.3.json")) as Record<string, unknown>;
    expect(st["predicateType"]).toBe("chainloop.dev/attestation/v0.2");
    expect(st["_type"]).toBe("https://in-toto.io/Statement/v0.1");
  });
});
