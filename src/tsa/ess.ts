// The ESS signing-certificate-v2 attribute (RFC 5035 §5.4.1.1, required for TSAs by RFC 5816): names the TSA leaf by
// its SHA-256 hash and issuer/serial, so a verifier (openssl ts -verify) knows which certificate signed.
//   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }
//   ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256 (so left out), certHash OCTET STRING, issuerSerial IssuerSerial }
//   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }
import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { OID } from "./oids.ts";

export function signingCertificateV2(leafDer: Uint8Array, leaf: pkijs.Certificate): pkijs.Attribute {
  const issuer = new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: leaf.issuer })] });
  const issuerSerial = new asn1js.Sequence({ value: [issuer.toSchema(), new asn1js.Integer({ valueHex: leaf.serialNumber.valueBlock.valueHexView })] });
  const certHash = new asn1js.OctetString({ valueHex: createHash("sha256").update(leafDer).digest() });
  const certId = new asn1js.Sequence({ value: [certHash, issuerSerial] });
  const value = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certId] })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [value] });
}
