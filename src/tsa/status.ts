// The rejection TimeStampResp: status 2 (rejection), a status string and the PKIFailureInfo bit.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { FAILURE_BITS, type TsaFailure } from "./types.ts";

export function rejectionResponse(failure: TsaFailure, text: string): Uint8Array {
  const status = new pkijs.PKIStatusInfo({
    status: pkijs.PKIStatus.rejection,
    statusStrings: [new asn1js.Utf8String({ value: text })],
    failInfo: failureBits(FAILURE_BITS[failure]),
  });
  return new Uint8Array(new pkijs.TimeStampResp({ status }).toSchema().toBER());
}

/** A named-bit BIT STRING with only `bit` set, trailing zero bits dropped as DER wants. */
function failureBits(bit: number): asn1js.BitString {
  const bytes = new Uint8Array((bit >> 3) + 1);
  bytes[bit >> 3] = 0x80 >> (bit & 7);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (bit & 7) });
}
