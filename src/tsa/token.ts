// The TimeStampToken: a CMS SignedData (v3) over a TSTInfo, signed by the TSA leaf with signed attributes
// contentType, signingTime, messageDigest and ESS signing-certificate-v2. Laid out as @sigstore/core's positional
// parser reads it: sid IssuerAndSerialNumber, one SignerInfo, eContent a primitive OCTET STRING.
import { createHash, getRandomValues } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { HASHES, OID } from "./oids.ts";
import type { TimestampRequest } from "./types.ts";

/** What stays the same for every token of one TSA. */
export interface Signer {
  leaf: pkijs.Certificate;
  key: CryptoKey;
  /** The signature's hash: SHA-256 for P-256, SHA-384 for P-384. */
  hash: "SHA-256" | "SHA-384";
  policy: string;
  essAttribute: pkijs.Attribute;
  tsaName: pkijs.GeneralName;
}

export function tstInfoDer(s: Signer, req: TimestampRequest, now: Date): ArrayBuffer {
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: s.policy,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASHES[req.hashAlgorithm].oid, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: req.digest }),
    }),
    serialNumber: new asn1js.Integer({ valueHex: randomSerial() }),
    genTime: wholeSeconds(now),
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    tsa: s.tsaName,
  });
  if (req.nonce !== undefined) tst.nonce = new asn1js.Integer({ valueHex: req.nonce });
  return tst.toSchema().toBER();
}

export async function signToken(s: Signer, tstDer: ArrayBuffer, signingTime: Date, certReq: boolean): Promise<pkijs.ContentInfo> {
  const encap = new pkijs.EncapsulatedContentInfo({ eContentType: OID.tstInfo });
  // Set after construction: the constructor would turn a primitive OCTET STRING into a constructed one, which real
  // TSAs do not emit and @sigstore/core's positional parser does not read.
  encap.eContent = new asn1js.OctetString({ valueHex: tstDer });
  const signerInfo = new pkijs.SignerInfo({ version: 1, sid: new pkijs.IssuerAndSerialNumber({ issuer: s.leaf.issuer, serialNumber: s.leaf.serialNumber }) });
  const digest = createHash(s.hash.replace("-", "").toLowerCase()).update(new Uint8Array(tstDer)).digest();
  signerInfo.signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: derSetOrder([
      new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.tstInfo })] }),
      new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: wholeSeconds(signingTime) })] }),
      new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
      s.essAttribute,
    ]),
  });
  const signed = new pkijs.SignedData({ version: 3, encapContentInfo: encap, signerInfos: [signerInfo], ...(certReq && { certificates: [s.leaf] }) });
  await signed.sign(s.key, 0, s.hash);
  return new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
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
function derSetOrder(attrs: pkijs.Attribute[]): pkijs.Attribute[] {
  const enc = attrs.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }));
  enc.sort((x, y) => Buffer.compare(x.der, y.der));
  return enc.map((e) => e.a);
}
