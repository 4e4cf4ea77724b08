// The parsed timestamp request and the RFC 3161 failure reasons shared by the parser, the responder and the server.
import type { TsaHash } from "./oids.ts";

/** A timestamp request, from either wire form. */
export interface TimestampRequest {
  hashAlgorithm: TsaHash;
  /** The messageImprint's hashedMessage. */
  digest: Uint8Array;
  /** The nonce as the content bytes of its DER INTEGER (two's complement, big-endian), echoed in the token. */
  nonce?: Uint8Array;
  /** Whether the reply must carry the TSA's certificate. */
  certReq: boolean;
  /** The policy the client asked for (always this TSA's, once parsed). */
  policy?: string;
  form: "der" | "json";
}

/**
 * PKIFailureInfo bits (RFC 3161 §2.4.2) a rejection can name. A USAGE error from parseTimestampRequest carries the one
 * that fits in `details.failure`, so a server can answer a DER query with `reject(failure, message)`.
 */
export type TsaFailure = "badAlg" | "badRequest" | "badDataFormat" | "unacceptedPolicy" | "unacceptedExtension";

export const FAILURE_BITS: Record<TsaFailure, number> = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
};
