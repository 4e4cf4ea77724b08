// The granted TimeStampResp: a CMS SignedData (v3) over a TSTInfo, signed by the TSA leaf with signed attributes
// contentType, signingTime, messageDigest and ESS signing-certificate-v2 (RFC 3161, RFC 5652, RFC 5816). Laid out
// as @sigstore/core's positional parser reads it: sid IssuerAndSerialNumber, one SignerInfo, eContent a primitive
// OCTET STRING. Built as an asn1js tree; the parts common to every reply are encoded once (see der.ts).
import { createHash, getRandomValues } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { algorithm, attribute, Encoded, tagged } from "./der.ts";
import { signingCertificateV2 } from "./ess.ts";
import { HASHES, OID, type TsaHash } from "./oids.ts";
import type { TimestampRequest } from "./types.ts";

const ECDSA_WITH = { "SHA-256": "1.2.840.10045.4.3.2", "SHA-384": "1.2.840.10045.4.3.3" } as const;

/** What stays the same in every reply of one TSA, each part one encoded node. */
export interface Signer {
  key: CryptoKey;
  /** The signature's hash: SHA-256 for P-256, SHA-384 for P-384. */
  hash: "SHA-256" | "SHA-384";
  /** TSTInfo: version, policy | accuracy | tsa [0] directoryName(leaf subject). */
  tstHead: Encoded[];
  accuracy: Encoded;
  tsaName: Encoded;
  imprintAlgs: Record<TsaHash, Encoded>;
  /** SignedData: version 3, digestAlgorithms | eContentType | certificates [0] (the leaf). */
  signedDataHead: Encoded[];
  eContentType: Encoded;
  certificates: Encoded;
  /** SignerInfo: version 1, sid, digestAlgorithm | signatureAlgorithm. */
  signerHead: Encoded[];
  signatureAlgorithm: Encoded;
  contentTypeAttr: Encoded;
  essAttr: Encoded;
  /** TimeStampResp: PKIStatusInfo granted; ContentInfo: contentType signedData. */
  granted: Encoded;
  signedDataOid: Encoded;
}

export function makeSigner(leafDer: Uint8Array, leaf: pkijs.Certificate, key: CryptoKey, hash: Signer["hash"], policy: string): Signer {
  const digestAlg = algorithm(HASHES[hash === "SHA-256" ? "sha256" : "sha384"].oid, true);
  const enc = (n: asn1js.AsnType) => new Encoded(n);
  return {
    key,
    hash,
    tstHead: [enc(new asn1js.Integer({ value: 1 })), enc(new asn1js.ObjectIdentifier({ value: policy }))],
    accuracy: enc(new pkijs.Accuracy({ seconds: 1 }).toSchema()),
    tsaName: enc(tagged(0, [new pkijs.GeneralName({ type: 4, value: leaf.subject }).toSchema() as asn1js.AsnType])),
    imprintAlgs: { sha256: algorithm(HASHES.sha256.oid, true), sha384: algorithm(HASHES.sha384.oid, true), sha512: algorithm(HASHES.sha512.oid, true) },
    signedDataHead: [enc(new asn1js.Integer({ value: 3 })), enc(new asn1js.Set({ value: [digestAlg] }))],
    eContentType: enc(new asn1js.ObjectIdentifier({ value: OID.tstInfo })),
    certificates: enc(tagged(0, [new Encoded(leafDer)])),
    signerHead: [enc(new asn1js.Integer({ value: 1 })), enc(new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }).toSchema()), digestAlg],
    signatureAlgorithm: algorithm(ECDSA_WITH[hash], false),
    contentTypeAttr: enc(attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.tstInfo }))),
    essAttr: enc(signingCertificateV2(leafDer, leaf).toSchema()),
    granted: enc(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 })] })),
    signedDataOid: enc(new asn1js.ObjectIdentifier({ value: OID.signedData })),
  };
}

/** The DER TSTInfo for the request at `now`: a random serial, genTime to the second, the nonce echoed. */
export function tstInfoDer(s: Signer, req: TimestampRequest, now: Date): Uint8Array {
  const value: asn1js.AsnType[] = [
    ...s.tstHead,
    new asn1js.Sequence({ value: [s.imprintAlgs[req.hashAlgorithm], new asn1js.OctetString({ valueHex: req.digest })] }),
    new asn1js.Integer({ valueHex: randomSerial() }),
    new asn1js.GeneralizedTime({ valueDate: wholeSeconds(now) }),
    s.accuracy,
  ];
  if (req.nonce !== undefined) value.push(new asn1js.Integer({ valueHex: req.nonce }));
  value.push(s.tsaName);
  return new Uint8Array(new asn1js.Sequence({ value }).toBER());
}

/** The DER TimeStampResp (status granted) carrying the signed token over `tst`. */
export async function grantedReply(s: Signer, tst: Uint8Array, signingTime: Date, certReq: boolean): Promise<Uint8Array> {
  const digest = createHash(s.hash === "SHA-256" ? "sha256" : "sha384").update(tst).digest();
  const attrs = derSetOrder([
    s.contentTypeAttr,
    new Encoded(attribute(OID.signingTime, new asn1js.UTCTime({ valueDate: wholeSeconds(signingTime) }))),
    new Encoded(attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: digest }))),
    s.essAttr,
  ]);
  // The signature covers DER(SET OF Attribute); the SignerInfo carries the same attributes as [0] IMPLICIT.
  const rawSig = await crypto.subtle.sign({ name: "ECDSA", hash: s.hash }, s.key, new asn1js.Set({ value: attrs }).toBER());
  const signerInfo = new asn1js.Sequence({
    value: [...s.signerHead, tagged(0, attrs), s.signatureAlgorithm, new asn1js.OctetString({ valueHex: pkijs.createCMSECDSASignature(rawSig) })],
  });
  // eContent [0] EXPLICIT holds a primitive OCTET STRING: the form real TSAs emit and @sigstore/core reads.
  const encap = new asn1js.Sequence({ value: [s.eContentType, tagged(0, [new asn1js.OctetString({ valueHex: tst })])] });
  const signedData = new asn1js.Sequence({ value: [...s.signedDataHead, encap, ...(certReq ? [s.certificates] : []), new asn1js.Set({ value: [signerInfo] })] });
  const token = new asn1js.Sequence({ value: [s.signedDataOid, tagged(0, [signedData])] });
  return new Uint8Array(new asn1js.Sequence({ value: [s.granted, token] }).toBER());
}

/** A positive 16-byte serial (top bits 01: positive and minimal), random so the TSA keeps no counter. */
function randomSerial(): Uint8Array {
  const b = getRandomValues(new Uint8Array(16));
  b[0] = (b[0]! & 0x3f) | 0x40;
  return b;
}

/** Second precision: @sigstore/core reads fractions only as exactly three digits, and DER drops trailing zeros. */
function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** DER sorts a SET OF by the encodings of its elements. */
function derSetOrder(nodes: Encoded[]): Encoded[] {
  return nodes.map((n) => ({ n, der: new Uint8Array(n.toBER()) })).sort((x, y) => Buffer.compare(x.der, y.der)).map((e) => e.n);
}
