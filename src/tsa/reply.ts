// Reads a DER TimeStampResp far enough for a client to check it answers its query: the status (with its text and
// failure bits) and, when granted, the TSTInfo's messageImprint, nonce, policy and genTime. The signature is checked
// at verify time against a trusted root, not here.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { FAILURE_BITS, type TsaFailure } from "./types.ts";
import { OID } from "./oids.ts";

export interface TimestampReply {
  /** PKIStatus: 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning, 5 revocationNotification. */
  status: number;
  statusText: string[];
  failures: string[];
  tstInfo?: {
    policy: string;
    hashAlgorithm: string;
    digest: Uint8Array;
    nonce?: Uint8Array;
    genTime: Date;
  };
}

/** Throws a plain Error saying what is not right; callers wrap it in their typed error. */
export function parseTimestampReply(der: Uint8Array): TimestampReply {
  const resp = decode(der, pkijs.TimeStampResp, "TimeStampResp");
  const out: TimestampReply = {
    status: resp.status.status,
    statusText: (resp.status.statusStrings ?? []).map((s) => s.valueBlock.value),
    failures: failureNames(resp.status.failInfo),
  };
  const token = resp.timeStampToken;
  if (out.status > 1) return out;
  if (!token) throw new Error("the reply is granted but has no timeStampToken");
  if (token.contentType !== OID.signedData) throw new Error(`the timeStampToken is of content type ${token.contentType}, not signedData`);
  const signed = new pkijs.SignedData({ schema: token.content });
  if (signed.encapContentInfo.eContentType !== OID.tstInfo) throw new Error(`the token encapsulates ${signed.encapContentInfo.eContentType}, not a TSTInfo`);
  const eContent = signed.encapContentInfo.eContent;
  if (!eContent) throw new Error("the token has no TSTInfo (eContent is missing)");
  const tst = decode(eContent.getValue(), pkijs.TSTInfo, "TSTInfo");
  out.tstInfo = {
    policy: tst.policy,
    hashAlgorithm: tst.messageImprint.hashAlgorithm.algorithmId,
    digest: new Uint8Array(tst.messageImprint.hashedMessage.getValue()),
    genTime: tst.genTime,
  };
  if (tst.nonce) out.tstInfo.nonce = new Uint8Array(tst.nonce.valueBlock.valueHexView);
  return out;
}

function decode<T>(der: Uint8Array | ArrayBuffer, type: new (p: { schema: asn1js.AsnType }) => T, what: string): T {
  const bytes = der instanceof Uint8Array ? der : new Uint8Array(der);
  const asn1 = asn1js.fromBER(bytes);
  if (asn1.offset === -1) throw new Error(`the reply is not DER (${asn1.result.error})`);
  if (asn1.offset !== bytes.byteLength) throw new Error(`the ${what} has ${bytes.byteLength - asn1.offset} bytes after it`);
  try {
    return new type({ schema: asn1.result });
  } catch (e) {
    throw new Error(`the reply is not a ${what}: ${(e as Error).message}`);
  }
}

function failureNames(bits: asn1js.BitString | undefined): string[] {
  if (!bits) return [];
  const view = bits.valueBlock.valueHexView;
  const set = (n: number) => n >> 3 < view.byteLength && ((view[n >> 3]! >> (7 - (n & 7))) & 1) === 1;
  const known = Object.entries(FAILURE_BITS) as [TsaFailure, number][];
  const extra: Record<number, string> = { 14: "timeNotAvailable", 17: "addInfoNotAvailable", 25: "systemFailure" };
  const names = known.filter(([, n]) => set(n)).map(([name]) => name as string);
  for (const [n, name] of Object.entries(extra)) if (set(Number(n))) names.push(name);
  return names;
}
