import { beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { CairnError } from "../../errors.ts";
import { issueLeaf, makeBundle, makeCa, makeTsa, timestamp, trustedRoot, type Ca, type Tsa } from "../../trust/testkit.testutil.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import { requireKind, type Evaluated } from "./evaluate.ts";
import { checkMaterialSignature } from "./signature.ts";

let ca: Ca, stranger: Ca, tsa: Tsa, trust: () => Promise<TrustPolicy>;
beforeAll(async () => {
  [ca, stranger, tsa] = await Promise.all([makeCa("acme"), makeCa("stranger"), makeTsa("acme-tsa")]);
  trust = async () => ({ keys: [], roots: [{ name: "acme", json: trustedRoot({ cas: [ca], tsas: [tsa] }) }] });
});

const material = (bytes: Uint8Array, kind = "ATTESTATION"): Evaluated => ({ kind: requireKind(kind), value: "build.json", digest: "sha256:x", bytes, annotations: { "cairn.material.attestation.container": "bundle-0.3" }, warnings: [] });
const stamped = async (issuer: Ca) => {
  const leaf = await issueLeaf(issuer);
  return makeBundle({ leaf, witness: async (sig) => ({ timestamps: [await timestamp(tsa, sig, new Date())] }) });
};

describe("ATTESTATION and SLSA_PROVENANCE signatures at att add", () => {
  test("a signer from a trusted root: recorded as annotations", async () => {
    for (const kind of ["ATTESTATION", "SLSA_PROVENANCE"]) {
      const ev = await checkMaterialSignature(material(await stamped(ca), kind), trust);
      expect(ev.annotations).toEqual({
        "cairn.material.attestation.container": "bundle-0.3",
        "cairn.material.signature.verified": "true",
        "cairn.material.signature.signer": "https://cairn.test/orgs/acme/workflows/app/build",
        "cairn.material.signature.issuer": "https://cairn.test",
        "cairn.material.signature.trusted_root": "acme",
      });
      expect(ev.warnings).toEqual([]);
    }
  });

  test("an unknown signer (CA in no root, or a key) is a warning, not an error", async () => {
    const foreign = await checkMaterialSignature(material(await stamped(stranger)), trust);
    expect(foreign.annotations["cairn.material.signature.verified"]).toBe("false");
    expect(foreign.warnings).toEqual([expect.stringMatching(/^signature not verified, unknown signer: untrusted CA: the certificate was issued by CN=stranger-intermediate/)]);
    const keyed = await checkMaterialSignature(material(await makeBundle({ key: generateKeyPairSync("ed25519").privateKey })), trust);
    expect(keyed.warnings).toEqual([expect.stringMatching(/unknown signer: the bundle is key-signed/)]);
  });

  test("a trusted signer whose check fails is refused as MATERIAL_INVALID", async () => {
    const doc = JSON.parse(new TextDecoder().decode(await stamped(ca)));
    doc.dsseEnvelope.payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1","subject":[]}').toString("base64");
    const err = await checkMaterialSignature(material(Buffer.from(JSON.stringify(doc))), trust).catch((e) => e);
    expect(err).toBeInstanceOf(CairnError);
    expect([err.code, err.message]).toEqual(["MATERIAL_INVALID", expect.stringContaining("build.json: the ATTESTATION signature does not verify: signature mismatch")]);
    const noTime = await checkMaterialSignature(material(await makeBundle({ leaf: await issueLeaf(ca) })), trust).catch((e) => e);
    expect(noTime.message).toContain("does not verify: no verified time");
  });

  test("other kinds are left alone", async () => {
    const ev: Evaluated = { kind: requireKind("EVIDENCE"), value: "x", digest: "sha256:x", bytes: new Uint8Array([1]), annotations: {}, warnings: [] };
    expect(await checkMaterialSignature(ev, trust)).toBe(ev);
  });
});
