// Vectors that must verify: every bundle version and media-type spelling, DSSE and message signatures, key and
// certificate signers, TSA and transparency-log times.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { bundle, b64, IN_TOTO, MEDIA_V01, MEDIA_V02, MEDIA_V03, MEDIA_V03_LEGACY, pae, sha256, signBytes, statement } from "./bundle.ts";
import {
  addJson, ARTIFACT, dsseBundle, keylessDsse, messageBundle, keylessMessage, publicPem, ROOT_CAIRN, ROOT_OTHER, ROOT_REKOR_V1,
  ROOT_REKOR_V2, sha256Ref, signerOf, SUBJECT_DIGEST, SUBJECT_NAME, tsaTimestamp, type Ctx, type Vector, ARTIFACT_BYTES,
} from "./common.ts";
import { CAIRN_IDENTITY, GITHUB_IDENTITY, type Identity } from "./pki.ts";
import { canonicalJson, rekorV1Entry, rekorV2Entry } from "./rekor.ts";

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const cairnPolicy = { certificateIdentity: CAIRN_IDENTITY.san, certificateOidcIssuer: CAIRN_IDENTITY.issuer };
const subjectDigest = `sha256:${SUBJECT_DIGEST}`;

/** Rekor's fixed log time for the v1 vectors (no TSA there: the integrated time is the verified time). */
export const V1_CERT_START = new Date("2026-01-15T10:00:00Z");
export const V1_INTEGRATED = new Date("2026-01-15T10:05:00Z");

/** Rekor v2 hashedrekord 0.0.2 body over a DSSE envelope's PAE (JCS: keys sorted). */
export function hashedRekordV2Body(paeBytes: Buffer, sig: Buffer, leafDer: Buffer): Buffer {
  return Buffer.from(canonicalJson({
    apiVersion: "0.0.2", kind: "hashedrekord",
    spec: { hashedRekordV002: {
      data: { algorithm: "SHA2_256", digest: b64(sha256(paeBytes)) },
      signature: { content: b64(sig), verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: { rawBytes: b64(leafDer) } } },
    } },
  }));
}

export function okVectors(ctx: Ctx): Vector[] {
  const out: Vector[] = [];
  const add = (v: Vector, b: Record<string, unknown>): void => {
    addJson(ctx, v.bundle, b);
    out.push(v);
  };

  // Keyless DSSE (in-toto statement), TSA, bundle v0.3 under its current media type.
  const d = keylessDsse(ctx, "ok-dsse-v03-tsa");
  add({
    name: "ok-dsse-v03-tsa", description: "keyless DSSE in-toto statement, cairn identity, RFC 3161 timestamp, bundle v0.3 (application/vnd.dev.sigstore.bundle.v0.3+json)",
    bundle: "bundles/ok-dsse-v03-tsa.json", trustedRoots: [ROOT_CAIRN], keys: [],
    policy: { ...cairnPolicy, digest: subjectDigest }, expect: "ok", signer: signerOf(CAIRN_IDENTITY),
  }, dsseBundle(d, { timestamps: [tsaTimestamp(ctx, d.sig)] }));

  // Keyless message signature, GitHub-style identity, TSA, v0.3 under the legacy media-type spelling.
  const m = keylessMessage(ctx, "ok-message-v03-github", { identity: GITHUB_IDENTITY });
  add({
    name: "ok-message-v03-github", description: "keyless message signature, GitHub Actions identity (regexp policy), RFC 3161 timestamp, bundle v0.3 (application/vnd.dev.sigstore.bundle+json;version=0.3)",
    bundle: "bundles/ok-message-v03-github.json", trustedRoots: [ROOT_CAIRN], keys: [], artifact: ARTIFACT,
    policy: { certificateIdentityRegexp: `^${escape("https://github.com/acme/app/.github/workflows/")}[^@]+@refs/heads/main$`, certificateOidcIssuer: GITHUB_IDENTITY.issuer, digest: sha256Ref(ARTIFACT_BYTES) },
    expect: "ok", signer: signerOf(GITHUB_IDENTITY),
  }, messageBundle(m, { mediaType: MEDIA_V03_LEGACY, timestamps: [tsaTimestamp(ctx, m.signature)] }));

  // Keyless message signature, bundle v0.2 with x509CertificateChain [leaf, intermediate]; the token embeds the TSA cert.
  const m2 = keylessMessage(ctx, "ok-message-v02-chain");
  add({
    name: "ok-message-v02-chain", description: "keyless message signature, bundle v0.2 with x509CertificateChain [leaf, intermediate], RFC 3161 timestamp carrying the TSA certificate",
    bundle: "bundles/ok-message-v02-chain.json", trustedRoots: [ROOT_CAIRN], keys: [], artifact: ARTIFACT,
    policy: { ...cairnPolicy, digest: sha256Ref(ARTIFACT_BYTES) }, expect: "ok", signer: signerOf(CAIRN_IDENTITY),
  }, bundle({ mediaType: MEDIA_V02, material: { chain: [m2.leaf.der, ctx.cairn.intermediate.der] }, content: { message: m2 }, timestamps: [tsaTimestamp(ctx, m2.signature, ctx.cairn, true)] }));

  // Bundle v0.1: Rekor v1 hashedrekord entry with an inclusion promise only; integratedTime is the verified time.
  add(v01Vector("ok-message-v01-rekor-v1"), v01Bundle(ctx, "ok-message-v01-rekor-v1", V1_INTEGRATED));

  // Key-signed DSSE (ECDSA P-256), no timestamps; the policy names the public key.
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  out.push(...keySigned(ctx, "ok-key-dsse", ec.privateKey, false));
  const ed = generateKeyPairSync("ed25519");
  out.push(...keySigned(ctx, "ok-key-dsse-ed25519-tsa", ed.privateKey, true));

  // Rekor v2: hashedrekord 0.0.2 over the DSSE PAE, inclusion proof (index 3 of 5), Ed25519 checkpoint, plus TSA.
  const r = keylessDsse(ctx, "ok-dsse-rekor-v2");
  const v2 = rekorV2Entry(ctx.rekorV2, hashedRekordV2Body(r.pae, r.sig, r.leaf.der), "hashedrekord");
  add({
    name: "ok-dsse-rekor-v2", description: "keyless DSSE with a Rekor v2 hashedrekord 0.0.2 entry over the PAE (inclusion proof, index 3 of 5, Ed25519 checkpoint, origin = baseUrl host) and an RFC 3161 timestamp",
    bundle: "bundles/ok-dsse-rekor-v2.json", trustedRoots: [ROOT_REKOR_V2], keys: [],
    policy: { ...cairnPolicy, digest: subjectDigest }, expect: "ok", signer: signerOf(CAIRN_IDENTITY),
  }, dsseBundle(r, { tlogEntries: [v2], timestamps: [tsaTimestamp(ctx, r.sig)] }));

  // Rekor v1 dsse 0.0.1 entry with inclusion promise and inclusion proof (v1 checkpoint, ECDSA note); no TSA.
  const p = keylessDsse(ctx, "ok-dsse-rekor-v1-proof", { start: V1_CERT_START });
  const env = { payload: b64(p.payload), payloadType: IN_TOTO, signatures: [{ sig: b64(p.sig), keyid: "" }] };
  const dsseBody = Buffer.from(canonicalJson({
    apiVersion: "0.0.1", kind: "dsse",
    spec: {
      envelopeHash: { algorithm: "sha256", value: sha256(Buffer.from(canonicalJson(env))).toString("hex") },
      payloadHash: { algorithm: "sha256", value: sha256(p.payload).toString("hex") },
      signatures: [{ signature: b64(p.sig), verifier: b64(Buffer.from(p.leaf.pem)) }],
    },
  }));
  add({
    name: "ok-dsse-rekor-v1-proof", description: "keyless DSSE with a Rekor v1 dsse 0.0.1 entry: inclusion promise (integratedTime is the only time) and inclusion proof with a v1 checkpoint",
    bundle: "bundles/ok-dsse-rekor-v1-proof.json", trustedRoots: [ROOT_REKOR_V1], keys: [],
    policy: { ...cairnPolicy, digest: subjectDigest }, expect: "ok", signer: signerOf(CAIRN_IDENTITY),
  }, dsseBundle(p, { tlogEntries: [rekorV1Entry(ctx.rekorV1, dsseBody, "dsse", V1_INTEGRATED, true)] }));

  // Another organization's CA and TSA: trusted through the second of two roots.
  const o = keylessDsse(ctx, "ok-second-root", { ca: ctx.other });
  add({
    name: "ok-second-root", description: "keyless DSSE from another organization's CA and TSA; trusted through the second of two trusted roots",
    bundle: "bundles/ok-second-root.json", trustedRoots: [ROOT_CAIRN, ROOT_OTHER], keys: [],
    policy: cairnPolicy, expect: "ok", signer: signerOf(CAIRN_IDENTITY),
  }, dsseBundle(o, { timestamps: [tsaTimestamp(ctx, o.sig, ctx.other)] }));

  // A certificate with only the deprecated issuer OID .1 (raw bytes): the issuer still reads from it.
  const legacy: Identity = { ...CAIRN_IDENTITY, issuerV2: null };
  const l = keylessDsse(ctx, "ok-issuer-oid1-only", { identity: legacy });
  add({
    name: "ok-issuer-oid1-only", description: "keyless DSSE whose certificate carries only the deprecated issuer OID 1.3.6.1.4.1.57264.1.1 (no .8)",
    bundle: "bundles/ok-issuer-oid1-only.json", trustedRoots: [ROOT_CAIRN], keys: [],
    policy: cairnPolicy, expect: "ok", signer: signerOf(legacy),
  }, dsseBundle(l, { timestamps: [tsaTimestamp(ctx, l.sig)] }));
  return out;
}

/** A v0.1 bundle: message signature, chain [leaf], Rekor v1 hashedrekord 0.0.1 with an inclusion promise at `integrated`. */
export function v01Bundle(ctx: Ctx, name: string, integrated: Date): Record<string, unknown> {
  const m = keylessMessage(ctx, name, { start: V1_CERT_START });
  const body = Buffer.from(canonicalJson({
    apiVersion: "0.0.1", kind: "hashedrekord",
    spec: {
      data: { hash: { algorithm: "sha256", value: m.digest.toString("hex") } },
      signature: { content: b64(m.signature), publicKey: { content: b64(Buffer.from(m.leaf.pem)) } },
    },
  }));
  const entry = rekorV1Entry(ctx.rekorV1, body, "hashedrekord", integrated, false);
  return bundle({ mediaType: MEDIA_V01, material: { chain: [m.leaf.der] }, content: { message: m }, tlogEntries: [entry] });
}

function v01Vector(name: string): Vector {
  return {
    name, description: "keyless message signature, bundle v0.1 (x509CertificateChain, Rekor v1 hashedrekord 0.0.1 entry with inclusion promise; integratedTime is the verified time)",
    bundle: `bundles/${name}.json`, trustedRoots: [ROOT_REKOR_V1], keys: [], artifact: ARTIFACT,
    policy: { ...cairnPolicy, digest: sha256Ref(ARTIFACT_BYTES) }, expect: "ok", signer: signerOf(CAIRN_IDENTITY),
  };
}

/** A key-signed DSSE bundle (hint = base64 SHA-256 of the SPKI, as cairn writes) and its public key file. */
function keySigned(ctx: Ctx, name: string, key: KeyObject, withTsa: boolean): Vector[] {
  const payload = statement(SUBJECT_NAME, SUBJECT_DIGEST, `https://cairn.test/keys/${name}`);
  const sig = signBytes(key, pae(IN_TOTO, payload));
  const pem = publicPem(key);
  const hint = createHash("sha256").update(createPublicKey(key).export({ format: "der", type: "spki" })).digest("base64");
  const keyPath = `keys/${name}.pub.pem`;
  ctx.files.set(keyPath, pem);
  const timestamps = withTsa ? [tsaTimestamp(ctx, sig)] : [];
  addJson(ctx, `bundles/${name}.json`, bundle({ mediaType: MEDIA_V03, material: { publicKeyHint: hint }, content: { dsse: { payloadType: IN_TOTO, payload, sig, keyid: hint } }, timestamps }));
  const kind = key.asymmetricKeyType === "ed25519" ? "Ed25519" : "ECDSA P-256";
  return [{
    name, description: withTsa ? `key-signed DSSE (${kind}) with an RFC 3161 timestamp from the trusted TSA` : `key-signed DSSE (${kind}), no timestamps; the policy gives the public key`,
    bundle: `bundles/${name}.json`, trustedRoots: withTsa ? [ROOT_CAIRN] : [], keys: [keyPath],
    policy: { digest: subjectDigest }, expect: "ok",
  }];
}
