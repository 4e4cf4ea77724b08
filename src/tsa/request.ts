// Parses a timestamp request in either form Sigstore's timestamp-authority serves at POST /api/v1/timestamp:
// a DER RFC 3161 TimeStampReq (application/timestamp-query, sigstore-go and cosign) or the JSON request
// (application/json, sigstore-js). Every refusal is a typed error saying what is wrong.
import { CairnError } from "../errors.ts";
import { parseDerRequest } from "./request-der.ts";
import { parseJsonRequest } from "./request-json.ts";
import { DEFAULT_TSA_POLICY } from "./oids.ts";
import type { TimestampRequest } from "./types.ts";

/** Largest request body accepted (a TimeStampReq with a SHA-512 imprint is under 150 bytes). */
export const MAX_TIMESTAMP_REQUEST_BYTES = 16 * 1024;

export const TIMESTAMP_QUERY = "application/timestamp-query";
export const TIMESTAMP_REPLY = "application/timestamp-reply";

export interface ParseOptions {
  /** The TSA's policy: a request naming another one is refused. Default DEFAULT_TSA_POLICY. */
  policy?: string;
}

export function parseTimestampRequest(body: Uint8Array, contentType: string, opts: ParseOptions = {}): TimestampRequest {
  const media = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (media !== TIMESTAMP_QUERY && media !== "application/json") {
    throw new CairnError("UNSUPPORTED_MEDIA_TYPE", `a timestamp request must not be of Content-Type ${JSON.stringify(contentType || "(none)")}`, {
      hint: `send a DER TimeStampReq as ${TIMESTAMP_QUERY} (openssl ts -query) or a JSON request as application/json`,
    });
  }
  if (body.byteLength > MAX_TIMESTAMP_REQUEST_BYTES) {
    throw new CairnError("TOO_LARGE", `the timestamp request is ${body.byteLength} bytes, over the limit of ${MAX_TIMESTAMP_REQUEST_BYTES}`, {
      hint: "a timestamp request carries only a digest: send the hash of the data, not the data",
    });
  }
  const policy = opts.policy ?? DEFAULT_TSA_POLICY;
  return media === TIMESTAMP_QUERY ? parseDerRequest(body, policy) : parseJsonRequest(body, policy);
}
