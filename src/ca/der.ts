// DER composition for the issuance hot path, with asn1js. A signing certificate is mostly parts that never change
// for a CA (its name, algorithm, shared extensions) and the TBS it signs; asn1js re-encodes every node it is given,
// which made a certificate cost ~5 ms. `Encoded` lets an element that asn1js (or @peculiar/x509) already encoded be
// written as it is, through asn1js's own writer (the `toBER(sizeOnly, writer)` contract of its blocks).
import * as asn1js from "asn1js";

/** An element already DER-encoded by a library, placed inside an asn1js constructed value unchanged. */
export class Encoded extends asn1js.Any {
  readonly bytes: ArrayBuffer;

  constructor(bytes: ArrayBuffer | Uint8Array) {
    super();
    this.bytes = bytes instanceof ArrayBuffer ? bytes : (new Uint8Array(bytes).buffer as ArrayBuffer);
  }

  toBER(_sizeOnly?: boolean, writer?: asn1js.ViewWriter): ArrayBuffer {
    writer?.write(this.bytes);
    return this.bytes;
  }
}

type Item = asn1js.BaseBlock | asn1js.Any;

/** SEQUENCE { items } (items may be `Encoded`). */
export const sequence = (items: Item[]): asn1js.Sequence => new asn1js.Sequence({ value: items as asn1js.BaseBlock[] });

/** [n] EXPLICIT { item }. */
export const explicit = (n: number, item: Item): asn1js.Constructed => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: n }, value: [item as asn1js.BaseBlock] });

/** [n] IMPLICIT primitive holding `bytes` (a GeneralName's rfc822Name [1] or uniformResourceIdentifier [6]). */
export const implicitPrimitive = (n: number, bytes: Uint8Array): asn1js.Primitive => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: n }, valueHex: bytes });

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }, encoded. */
export function extension(oid: string, critical: boolean, value: ArrayBuffer | Uint8Array): Encoded {
  const items: Item[] = [new asn1js.ObjectIdentifier({ value: oid })];
  if (critical) items.push(new asn1js.Boolean({ value: true }));
  items.push(new asn1js.OctetString({ valueHex: value }));
  return new Encoded(sequence(items).toBER());
}

export const utf8String = (value: string): ArrayBuffer => new asn1js.Utf8String({ value }).toBER();

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5); whole seconds. */
export function time(d: Date): asn1js.BaseBlock {
  const valueDate = new Date(Math.floor(d.getTime() / 1000) * 1000);
  return d.getUTCFullYear() >= 2050 ? new asn1js.GeneralizedTime({ valueDate }) : new asn1js.UTCTime({ valueDate });
}
