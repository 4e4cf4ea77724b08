// Test vectors made on the fly for the verifier: a CA (root + intermediate) issuing Fulcio-shaped leaves, a TSA
// answering RFC 3161 tokens (pkijs), a Rekor v2 log (Ed25519 checkpoints over an RFC 6962 tree), a Rekor v1 log
// (inclusion promises), and bundles tying them together. Test-only; nothing here is used by cairn itself.
import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { json } from "@sigstore/core";
import { pae } from "../signing/pae.ts";
import "reflect-metadata";

const x509 = await import("@peculiar/x509");

const EC = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const HOUR = 3600_000;
const b64 = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString("base64");
export const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest();
let serial = 1;

export interface Ca {
  name: string;
  rootDer: Uint8Array;
  interDer: Uint8Array;
  inter: { cert: InstanceType<typeof x509.X509Certificate>; keys: CryptoKeyPair };
}

export interface CaOptions {
  notBefore?: Date;
  notAfter?: Date;
}

/** A root and an intermediate (pathlen 0, EKU codeSigning), as `cairn ca init` makes them. */
export async function makeCa(name: string, o: CaOptions = {}): Promise<Ca> {
  const notBefore = o.notBefore ?? new Date(Date.now() - 24 * HOUR);
  const notAfter = o.notAfter ?? new Date(Date.now() + 24 * HOUR);
  const rootKeys = await crypto.subtle.generateKey(EC, true, ["sign", "verify"]);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: hexSerial(), name: `CN=${name}-root, O=cairn-test`, notBefore, notAfter, signingAlgorithm: EC, keys: rootKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true), await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey)],
  });
  const interKeys = await crypto.subtle.generateKey(EC, true, ["sign", "verify"]);
  const inter = await x509.X509CertificateGenerator.create({
    serialNumber: hexSerial(), subject: `CN=${name}-intermediate, O=cairn-test`, issuer: root.subject, notBefore, notAfter, signingAlgorithm: EC,
    publicKey: interKeys.publicKey, signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
      await x509.SubjectKeyIdentifierExtension.create(interKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  return { name, rootDer: new Uint8Array(root.rawData), interDer: new Uint8Array(inter.rawData), inter: { cert: inter, keys: interKeys } };
}

export interface Leaf {
  der: Uint8Array;
  key: KeyObject;
  san: string;
  issuer: string;
}

export interface LeafOptions {
  san?: string;
  issuer?: string;
  /** Validity; default: from 5 minutes ago for 10 minutes. */
  notBefore?: Date;
  notAfter?: Date;
  /** Write the issuer as OID .1 only (older Fulcio), not .8. */
  issuerV1Only?: boolean;
}

/** A Fulcio-profile leaf: empty subject, one critical URI SAN, EKU codeSigning, OIDs .1 (raw) and .8 (UTF8String). */
export async function issueLeaf(ca: Ca, o: LeafOptions = {}): Promise<Leaf> {
  const san = o.san ?? "https://cairn.test/orgs/acme/workflows/app/build";
  const issuer = o.issuer ?? "https://cairn.test";
  const notBefore = o.notBefore ?? new Date(Date.now() - 5 * 60_000);
  const notAfter = o.notAfter ?? new Date(notBefore.getTime() + 10 * 60_000);
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const publicKey = await crypto.subtle.importKey("spki", pair.publicKey.export({ format: "der", type: "spki" }), EC, true, ["verify"]);
  const issuerExt = [new x509.Extension("1.3.6.1.4.1.57264.1.1", false, Buffer.from(issuer))];
  if (!o.issuerV1Only) issuerExt.push(new x509.Extension("1.3.6.1.4.1.57264.1.8", false, new asn1js.Utf8String({ value: issuer }).toBER()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: hexSerial(), subject: "", issuer: ca.inter.cert.subject, notBefore, notAfter, signingAlgorithm: EC,
    publicKey, signingKey: ca.inter.keys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
      new x509.SubjectAlternativeNameExtension([{ type: "url", value: san }], true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.inter.keys.publicKey),
      ...issuerExt,
    ],
  });
  return { der: new Uint8Array(cert.rawData), key: pair.privateKey, san, issuer };
}

export interface Tsa {
  name: string;
  leafDer: Uint8Array;
  rootDer: Uint8Array;
  keys: CryptoKeyPair;
}

/** A TSA: a root and a leaf (critical EKU timeStamping), ECDSA P-256. */
export async function makeTsa(name: string): Promise<Tsa> {
  const notBefore = new Date(Date.now() - 48 * HOUR);
  const notAfter = new Date(Date.now() + 48 * HOUR);
  const rootKeys = await crypto.subtle.generateKey(EC, true, ["sign", "verify"]);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: hexSerial(), name: `CN=${name}-root`, notBefore, notAfter, signingAlgorithm: EC, keys: rootKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey)],
  });
  const keys = await crypto.subtle.generateKey(EC, true, ["sign", "verify"]);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: hexSerial(), subject: `CN=${name}`, issuer: root.subject, notBefore, notAfter, signingAlgorithm: EC, publicKey: keys.publicKey, signingKey: rootKeys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(["1.3.6.1.5.5.7.3.8"], true),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  return { name, leafDer: new Uint8Array(leaf.rawData), rootDer: new Uint8Array(root.rawData), keys };
}

/** A DER TimeStampResp over sha256(data) at `time`, signed by the TSA leaf (signedAttrs: contentType, messageDigest). */
export async function timestamp(tsa: Tsa, data: Uint8Array, time: Date): Promise<Uint8Array> {
  const leaf = pkijs.Certificate.fromBER(tsa.leafDer);
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: "1.3.6.1.4.1.57264.2",
    messageImprint: new pkijs.MessageImprint({ hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: "2.16.840.1.101.3.4.2.1" }), hashedMessage: new asn1js.OctetString({ valueHex: sha256(data) }) }),
    serialNumber: new asn1js.Integer({ value: serial++ }),
    genTime: new Date(Math.floor(time.getTime() / 1000) * 1000),
  });
  const tstDer = tst.toSchema().toBER();
  const encap = new pkijs.EncapsulatedContentInfo({ eContentType: "1.2.840.113549.1.9.16.1.4" });
  // Set after construction: pkijs's constructor turns a primitive OCTET STRING into a constructed one, which
  // real TSAs do not emit and @sigstore/core's positional parser does not read.
  encap.eContent = new asn1js.OctetString({ valueHex: tstDer });
  const signed = new pkijs.SignedData({
    version: 3,
    encapContentInfo: encap,
    signerInfos: [new pkijs.SignerInfo({ version: 1, sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }) })],
    certificates: [leaf],
  });
  signed.signerInfos[0]!.signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: "1.2.840.113549.1.9.3", values: [new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.9.16.1.4" })] }),
      new pkijs.Attribute({ type: "1.2.840.113549.1.9.4", values: [new asn1js.OctetString({ valueHex: sha256(new Uint8Array(tstDer)) })] }),
    ],
  });
  await signed.sign(tsa.keys.privateKey, 0, "SHA-256");
  const token = new pkijs.ContentInfo({ contentType: "1.2.840.113549.1.7.2", content: signed.toSchema(true) });
  const resp = new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: 0 }), timeStampToken: token });
  return new Uint8Array(resp.toSchema().toBER());
}

export interface Log {
  baseUrl: string;
  /** The checkpoint origin and signature name (the bare host of baseUrl). */
  origin: string;
  key: KeyObject;
  spki: Uint8Array;
  logId: Uint8Array;
  kind: "v2" | "v1";
}

/** A Rekor v2 log: Ed25519 signed-note key, logId = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ pubkey). */
export function makeLogV2(baseUrl = "https://log.cairn.test"): Log {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const origin = new URL(baseUrl).hostname;
  const spki = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));
  const raw = spki.subarray(spki.length - 32);
  const logId = sha256(Buffer.concat([Buffer.from(`${origin}\n`), Buffer.from([1]), raw]));
  return { baseUrl, origin, key: privateKey, spki, logId: new Uint8Array(logId), kind: "v2" };
}

/** A Rekor v1 log: ECDSA P-256, logId = SHA-256(SPKI DER). */
export function makeLogV1(baseUrl = "https://rekor.cairn.test"): Log {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));
  return { baseUrl, origin: new URL(baseUrl).hostname, key: privateKey, spki, logId: new Uint8Array(sha256(spki)), kind: "v1" };
}

/** A Rekor v2 hashedrekord/0.0.2 entry for (digest, signature, leaf), at index 1 of a 2-leaf tree, with its checkpoint. */
export function rekorV2Entry(log: Log, signedDigest: Uint8Array, signature: Uint8Array, leafDer: Uint8Array): Record<string, unknown> {
  const body = JSON.stringify({
    apiVersion: "0.0.2",
    kind: "hashedrekord",
    spec: { hashedRekordV002: { data: { algorithm: "SHA2_256", digest: b64(signedDigest) }, signature: { content: b64(signature), verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: { rawBytes: b64(leafDer) } } } } },
  });
  const leafHash = sha256(Buffer.concat([Buffer.from([0]), Buffer.from(body)]));
  const sibling = sha256(Buffer.concat([Buffer.from([0]), Buffer.from("another entry")]));
  const rootHash = sha256(Buffer.concat([Buffer.from([1]), sibling, leafHash]));
  const note = `${log.origin}\n2\n${b64(rootHash)}\n`;
  const sig = nodeSign(null, Buffer.from(note), log.key);
  const envelope = `${note}\n\u2014 ${log.origin} ${b64(Buffer.concat([log.logId.subarray(0, 4), sig]))}\n`;
  return {
    logIndex: "1",
    logId: { keyId: b64(log.logId) },
    kindVersion: { kind: "hashedrekord", version: "0.0.2" },
    integratedTime: "0",
    inclusionProof: { logIndex: "1", rootHash: b64(rootHash), treeSize: "2", hashes: [b64(sibling)], checkpoint: { envelope } },
    canonicalizedBody: b64(Buffer.from(body)),
  };
}

/** A Rekor v1 hashedrekord/0.0.1 entry with an inclusion promise (SET) at `time`. */
export function rekorV1Entry(log: Log, messageDigest: Uint8Array, signature: Uint8Array, leafDer: Uint8Array, time: Date): Record<string, unknown> {
  const pem = `-----BEGIN CERTIFICATE-----\n${b64(leafDer)}\n-----END CERTIFICATE-----\n`;
  const body = Buffer.from(JSON.stringify({ apiVersion: "0.0.1", kind: "hashedrekord", spec: { data: { hash: { algorithm: "sha256", value: Buffer.from(messageDigest).toString("hex") } }, signature: { content: b64(signature), publicKey: { content: b64(Buffer.from(pem)) } } } }));
  const integratedTime = Math.floor(time.getTime() / 1000);
  const payload = json.canonicalize({ body: body.toString("base64"), integratedTime, logIndex: 7, logID: Buffer.from(log.logId).toString("hex") });
  const set = nodeSign("sha256", Buffer.from(payload), log.key);
  return {
    logIndex: "7",
    logId: { keyId: b64(log.logId) },
    kindVersion: { kind: "hashedrekord", version: "0.0.1" },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: b64(set) },
    canonicalizedBody: body.toString("base64"),
  };
}

export interface RootParts {
  cas?: Ca[];
  tsas?: Tsa[];
  logs?: Log[];
}

/** A trusted_root.json holding these authorities (no CT logs). */
export function trustedRoot(p: RootParts): Record<string, unknown> {
  const start = { start: new Date(Date.now() - 72 * HOUR).toISOString() };
  return {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: (p.logs ?? []).map((l) => ({ baseUrl: l.baseUrl, hashAlgorithm: "SHA2_256", publicKey: { rawBytes: b64(l.spki), keyDetails: l.kind === "v2" ? "PKIX_ED25519" : "PKIX_ECDSA_P256_SHA_256", validFor: start }, logId: { keyId: b64(l.logId) } })),
    certificateAuthorities: (p.cas ?? []).map((c) => ({ subject: { organization: "cairn-test", commonName: `${c.name}-root` }, uri: "https://cairn.test", certChain: { certificates: [{ rawBytes: b64(c.interDer) }, { rawBytes: b64(c.rootDer) }] }, validFor: start })),
    ctlogs: [],
    timestampAuthorities: (p.tsas ?? []).map((t) => ({ subject: { organization: "cairn-test", commonName: t.name }, uri: "https://cairn.test/api/v1/timestamp", certChain: { certificates: [{ rawBytes: b64(t.leafDer) }, { rawBytes: b64(t.rootDer) }] }, validFor: start })),
  };
}

export const STATEMENT = { _type: "https://in-toto.io/Statement/v1", subject: [{ name: "app.tar", digest: { sha256: "ab".repeat(32) } }], predicateType: "https://cairn.dev/attestation/v1", predicate: { n: 1 } };
export const PAYLOAD_TYPE = "application/vnd.in-toto+json";

export interface BundleParts {
  /** Certificate (leaf) or key (then the bundle is key-signed with this hint). */
  leaf?: Leaf;
  key?: KeyObject;
  /** DSSE payload (default: STATEMENT); or a message (then a message-signature bundle). */
  payload?: Uint8Array;
  message?: Uint8Array;
  mediaType?: string;
  /** Called with the signature bytes and the signed digest, to add timestamps and log entries. */
  witness?: (sig: Uint8Array, signedDigest: Uint8Array) => Promise<{ timestamps?: Uint8Array[]; tlogEntries?: Record<string, unknown>[] }>;
  /** Use x509CertificateChain (v0.1/v0.2) instead of certificate. */
  chain?: boolean;
}

/** A signed bundle as JSON bytes. */
export async function makeBundle(p: BundleParts): Promise<Uint8Array> {
  const key = p.leaf?.key ?? p.key!;
  const alg = key.asymmetricKeyType === "ed25519" ? null : "sha256";
  let content: Record<string, unknown>;
  let sig: Uint8Array;
  let signedDigest: Uint8Array;
  if (p.message) {
    sig = nodeSign(alg, p.message, key);
    signedDigest = sha256(p.message);
    content = { messageSignature: { messageDigest: { algorithm: "SHA2_256", digest: b64(signedDigest) }, signature: b64(sig) } };
  } else {
    const payload = p.payload ?? Buffer.from(JSON.stringify(STATEMENT));
    const signed = pae(PAYLOAD_TYPE, payload);
    sig = nodeSign(alg, signed, key);
    signedDigest = sha256(signed);
    content = { dsseEnvelope: { payload: b64(payload), payloadType: PAYLOAD_TYPE, signatures: [{ sig: b64(sig), keyid: "" }] } };
  }
  const w = p.witness ? await p.witness(sig, signedDigest) : {};
  const material: Record<string, unknown> = p.leaf
    ? p.chain ? { x509CertificateChain: { certificates: [{ rawBytes: b64(p.leaf.der) }] } } : { certificate: { rawBytes: b64(p.leaf.der) } }
    : { publicKey: { hint: b64(sha256(createPublicKey(key).export({ format: "der", type: "spki" }))) } };
  material["tlogEntries"] = w.tlogEntries ?? [];
  if (w.timestamps?.length) material["timestampVerificationData"] = { rfc3161Timestamps: w.timestamps.map((t) => ({ signedTimestamp: b64(t) })) };
  const bundle = { mediaType: p.mediaType ?? "application/vnd.dev.sigstore.bundle.v0.3+json", verificationMaterial: material, ...content };
  return new TextEncoder().encode(JSON.stringify(bundle));
}

function hexSerial(): string {
  return (0x100000 + serial++).toString(16);
}
