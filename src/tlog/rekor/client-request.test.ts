import { beforeAll, describe, expect, test } from "bun:test";
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { CreateEntryRequest } from "@sigstore/protobuf-specs/rekor/v2";
import { toCreateEntryRequest } from "@sigstore/sign/dist/witness/tlog/entry.js";
import { CairnError } from "../../errors.ts";
import { pae } from "../../signing/pae.ts";
import { issueLeaf, makeBundle, makeCa, PAYLOAD_TYPE, type Leaf } from "../../trust/testkit.testutil.ts";
import { canonicalBody } from "./body.ts";
import { hashedRekordRequestFor } from "./client-request.ts";
import { parseCreateEntryRequest } from "./request.ts";
import { toLoggedEntry } from "./verify.ts";

const bundleOf = async (p: Parameters<typeof makeBundle>[0]) => JSON.parse(new TextDecoder().decode(await makeBundle(p))) as Record<string, any>;
const spki = (k: KeyObject) => new Uint8Array(k.export({ format: "der", type: "spki" }));
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

let leaf: Leaf;
beforeAll(async () => {
  leaf = await issueLeaf(await makeCa("client"));
});

function refusal(bundle: Record<string, unknown>, opts?: Parameters<typeof hashedRekordRequestFor>[1]): string {
  try {
    hashedRekordRequestFor(bundle, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe("USAGE");
    return (e as CairnError).message;
  }
  throw new Error("expected USAGE");
}

describe("hashedRekordRequestFor", () => {
  test("a keyless DSSE bundle: a dsseRequestV002 with the envelope and the certificate, which the log accepts", async () => {
    const bundle = await bundleOf({ leaf });
    const req = hashedRekordRequestFor(bundle);
    const env = bundle["dsseEnvelope"];
    expect(req).toEqual({
      dsseRequestV002: {
        envelope: { payload: env.payload, payloadType: PAYLOAD_TYPE, signatures: [{ sig: env.signatures[0].sig, keyid: "" }] },
        verifiers: [{ x509Certificate: { rawBytes: b64(leaf.der) }, keyDetails: "PKIX_ECDSA_P256_SHA_256" }],
      },
    });
    const h = toLoggedEntry(parseCreateEntryRequest(JSON.parse(JSON.stringify(req))));
    const signed = pae(PAYLOAD_TYPE, Buffer.from(env.payload, "base64"));
    expect(b64(h.digest)).toBe(createHash("sha256").update(signed).digest("base64"));
    expect(b64(h.signature)).toBe(env.signatures[0].sig);
  });

  test("the log writes the same entry for @sigstore/sign's own DSSE request (as RekorV2 serialises it)", async () => {
    const bundle = await bundleOf({ leaf });
    const env = bundle["dsseEnvelope"];
    const envelope = { payload: Buffer.from(env.payload, "base64"), payloadType: env.payloadType, signatures: [{ sig: Buffer.from(env.signatures[0].sig, "base64"), keyid: "" }] };
    const pem = `-----BEGIN CERTIFICATE-----\n${b64(leaf.der)}\n-----END CERTIFICATE-----\n`;
    const theirs = JSON.parse(JSON.stringify(CreateEntryRequest.toJSON(toCreateEntryRequest({ $case: "dsseEnvelope", dsseEnvelope: envelope }, pem))));
    const ours = hashedRekordRequestFor(bundle);
    expect(canonicalBody(toLoggedEntry(parseCreateEntryRequest(theirs)))).toEqual(canonicalBody(toLoggedEntry(parseCreateEntryRequest(ours))));
  });

  test("a message signature: a hashedRekordRequestV002 over its messageDigest (v0.2 chain: the first certificate)", async () => {
    const message = new TextEncoder().encode("release bytes");
    const bundle = await bundleOf({ leaf, message, chain: true });
    const req = hashedRekordRequestFor(bundle);
    expect(req).toEqual({
      hashedRekordRequestV002: {
        digest: createHash("sha256").update(message).digest("base64"),
        signature: { content: bundle["messageSignature"].signature, verifier: { x509Certificate: { rawBytes: b64(leaf.der) }, keyDetails: "PKIX_ECDSA_P256_SHA_256" } },
      },
    });
    expect(toLoggedEntry(parseCreateEntryRequest(req)).algorithm).toBe("SHA2_256");
  });

  test("key-signed: the caller's SPKI, with keyDetails from the key (Ed25519 DSSE → PKIX_ED25519)", async () => {
    const ed = generateKeyPairSync("ed25519");
    const req = hashedRekordRequestFor(await bundleOf({ key: ed.privateKey }), { publicKeySpki: spki(ed.publicKey) }) as { dsseRequestV002: { verifiers: unknown[] } };
    expect(req.dsseRequestV002.verifiers).toEqual([{ publicKey: { rawBytes: b64(spki(ed.publicKey)) }, keyDetails: "PKIX_ED25519" }]);
    expect(toLoggedEntry(parseCreateEntryRequest(req)).verifier.keyDetails).toBe("PKIX_ED25519");
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const msg = hashedRekordRequestFor(await bundleOf({ key: p256.privateKey, message: new Uint8Array([1]) }), { publicKeySpki: spki(p256.publicKey) });
    expect(toLoggedEntry(parseCreateEntryRequest(msg)).verifier).toEqual({ keyDetails: "PKIX_ECDSA_P256_SHA_256", publicKey: spki(p256.publicKey) });
  });

  test("refusals: no key for a key-signed bundle, Ed25519 or P-384 message signatures, RSA, no content", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const keyBundle = await bundleOf({ key: ec.privateKey });
    expect(refusal(keyBundle)).toMatch(/is key-signed: pass the signing key's public key \(publicKeySpki\)/);
    expect(refusal(keyBundle, { publicKeySpki: new Uint8Array([1, 2, 3]) })).toMatch(/publicKeySpki is not a DER SubjectPublicKeyInfo/);
    const ed = generateKeyPairSync("ed25519");
    expect(refusal(await bundleOf({ key: ed.privateKey, message: new Uint8Array([1]) }), { publicKeySpki: spki(ed.publicKey) })).toMatch(/message signature made with an Ed25519 key/);
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
    expect(refusal(await bundleOf({ key: p384.privateKey, message: new Uint8Array([1]) }), { publicKeySpki: spki(p384.publicKey) })).toMatch(/message digest is SHA2_256, but its ECDSA P-384 key is logged as PKIX_ECDSA_P384_SHA_384, which needs a SHA2_384 digest/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    expect(refusal(keyBundle, { publicKeySpki: spki(rsa.publicKey) })).toMatch(/signed with an RSA 2048 key, which cairn cannot log/);
    const { dsseEnvelope: _drop, ...noContent } = await bundleOf({ leaf });
    expect(refusal(noContent)).toMatch(/has neither a dsseEnvelope nor a messageSignature/);
    expect(refusal({ dsseEnvelope: {} })).toMatch(/has no verificationMaterial/);
    const noSig = await bundleOf({ leaf });
    noSig["dsseEnvelope"].signatures = [];
    expect(refusal(noSig)).toMatch(/dsseEnvelope has no signatures/);
  });
});
