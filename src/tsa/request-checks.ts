// Checks both request forms share; a refusal names the PKIFailureInfo bit that fits (details.failure).
import { CairnError } from "../errors.ts";
import { HASHES, type TsaHash } from "./oids.ts";
import type { TsaFailure } from "./types.ts";

/** A USAGE error for a request that is malformed or asks for what this TSA does not do. */
export function refuse(failure: TsaFailure, message: string, hint?: string): CairnError {
  return new CairnError("USAGE", message, { hint, details: { failure } });
}

/** The digest must be as long as its algorithm's output. */
export function checkDigest(hash: TsaHash, digest: Uint8Array, field: string): void {
  const want = HASHES[hash].bytes;
  if (digest.byteLength !== want) {
    throw refuse("badDataFormat", `${field} is ${digest.byteLength} bytes, but a ${hash} digest is ${want}`, "send the digest of the data, not the data or another hash");
  }
}

export function checkPolicy(asked: string | undefined, policy: string, field: string): void {
  if (asked !== undefined && asked !== policy) {
    throw refuse("unacceptedPolicy", `${field} ${asked} is not a policy of this TSA`, `ask for ${policy}, or leave the policy out`);
  }
}

export const ALGORITHMS_HINT = "use sha256, sha384 or sha512";
