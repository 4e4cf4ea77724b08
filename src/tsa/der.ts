// asn1js helpers for the responder's hot path. asn1js re-encodes every node on each toBER (a certificate costs
// about 0.3 ms), so the parts that are the same in every reply (the TSA certificate, its issuer and serial, the ESS
// attribute, algorithm identifiers) are encoded once, by asn1js, and spliced into each reply's tree as they are.
import * as asn1js from "asn1js";

/** A node of an asn1js tree whose encoding was made once beforehand (by asn1js or as a certificate's own DER). */
export class Encoded extends asn1js.BaseBlock {
  private readonly der: Uint8Array;

  constructor(node: { toBER(): ArrayBuffer } | Uint8Array) {
    super();
    this.der = node instanceof Uint8Array ? node : new Uint8Array(node.toBER());
  }

  override toBER(sizeOnly?: boolean, writer?: asn1js.ViewWriter): ArrayBuffer {
    if (writer) {
      writer.write(this.der);
      return new ArrayBuffer(0);
    }
    return sizeOnly ? new ArrayBuffer(this.der.byteLength) : this.der.slice().buffer;
  }
}

/** An [n] IMPLICIT or EXPLICIT context-specific constructed node around `value`. */
export function tagged(tagNumber: number, value: asn1js.AsnType[]): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
}

/** AlgorithmIdentifier { algorithm, parameters NULL } (hashes), or without parameters (ECDSA signatures). */
export function algorithm(oid: string, nullParams: boolean): Encoded {
  const value: asn1js.AsnType[] = [new asn1js.ObjectIdentifier({ value: oid })];
  if (nullParams) value.push(new asn1js.Null());
  return new Encoded(new asn1js.Sequence({ value }));
}

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value }. */
export function attribute(oid: string, value: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Set({ value: [value] })] });
}
