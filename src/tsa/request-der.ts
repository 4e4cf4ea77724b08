// The DER form: an RFC 3161 TimeStampReq (version 1, messageImprint, reqPolicy, nonce, certReq; no extensions).
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { ALGORITHMS_HINT, checkDigest, checkPolicy, refuse } from "./request-checks.ts";
import { hashByOid, WEAK_HASH_OIDS } from "./oids.ts";
import type { TimestampRequest } from "./types.ts";

const QUERY_HINT = "send a DER TimeStampReq as `openssl ts -query -sha256 -cert` writes it";

export function parseDerRequest(body: Uint8Array, policy: string): TimestampRequest {
  const req = decode(body);
  if (req.version !== 1) {
    throw refuse("badRequest", `the TimeStampReq has version ${req.version}; only version 1 is defined (RFC 3161)`);
  }
  if (req.extensions !== undefined && req.extensions.length > 0) {
    const oids = req.extensions.map((e) => e.extnID).join(", ");
    throw refuse("unacceptedExtension", `the TimeStampReq has extensions (${oids}); this TSA supports none`, "send the request without extensions");
  }
  const alg = req.messageImprint.hashAlgorithm;
  const hash = hashByOid(alg.algorithmId);
  if (!hash) {
    const weak = WEAK_HASH_OIDS[alg.algorithmId];
    const what = weak ? `${weak} (${alg.algorithmId}), which is refused as too weak` : `${alg.algorithmId}, which this TSA does not support`;
    throw refuse("badAlg", `the TimeStampReq's messageImprint hash algorithm is ${what}`, ALGORITHMS_HINT);
  }
  const params = alg.algorithmParams as asn1js.AsnType | undefined;
  if (params !== undefined && !(params instanceof asn1js.Null)) {
    throw refuse("badAlg", `the TimeStampReq's messageImprint hash algorithm ${hash.name} has parameters; it takes none (or NULL)`);
  }
  const digest = new Uint8Array(req.messageImprint.hashedMessage.valueBlock.valueHexView);
  checkDigest(hash.name, digest, "the TimeStampReq's messageImprint.hashedMessage");
  checkPolicy(req.reqPolicy, policy, "the TimeStampReq's reqPolicy");
  const out: TimestampRequest = { hashAlgorithm: hash.name, digest, certReq: req.certReq === true, form: "der" };
  if (req.nonce !== undefined) out.nonce = new Uint8Array(req.nonce.valueBlock.valueHexView);
  if (req.reqPolicy !== undefined) out.policy = req.reqPolicy;
  return out;
}

function decode(body: Uint8Array): pkijs.TimeStampReq {
  if (body.byteLength === 0) throw refuse("badDataFormat", "the timestamp request is empty", QUERY_HINT);
  const asn1 = asn1js.fromBER(body);
  if (asn1.offset === -1) {
    throw refuse("badDataFormat", `the timestamp request is not DER: ${asn1.result.error || "undecodable"}`, QUERY_HINT);
  }
  if (asn1.offset !== body.byteLength) {
    throw refuse("badDataFormat", `the timestamp request has ${body.byteLength - asn1.offset} bytes after its TimeStampReq`, QUERY_HINT);
  }
  try {
    return new pkijs.TimeStampReq({ schema: asn1.result });
  } catch (e) {
    throw refuse("badDataFormat", `the timestamp request is not a TimeStampReq: ${(e as Error).message}`, QUERY_HINT);
  }
}
