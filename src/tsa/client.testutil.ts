// Test-only: what a DER TimeStampResp carries, read with pkijs.
import * as pkijs from "pkijs";

export function parseReply(der: Uint8Array): { status: number; certificates: number; nonce?: Uint8Array; digest: Uint8Array } {
  const resp = pkijs.TimeStampResp.fromBER(der);
  const signed = new pkijs.SignedData({ schema: resp.timeStampToken!.content });
  const tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent!.getValue());
  return {
    status: resp.status.status,
    certificates: signed.certificates?.length ?? 0,
    nonce: tst.nonce ? new Uint8Array(tst.nonce.valueBlock.valueHexView) : undefined,
    digest: new Uint8Array(tst.messageImprint.hashedMessage.getValue()),
  };
}
