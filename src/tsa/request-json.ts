// The JSON form of timestamp-authority (pkg/api/timestamp.go), as sigstore-js sends it:
// {"artifactHash": b64, "hashAlgorithm": "sha256", "certificates"?: bool, "nonce"?: integer, "tsaPolicyOID"?: string}.
// Fields not listed are ignored, as the Go server does.
import * as asn1js from "asn1js";
import { ALGORITHMS_HINT, checkDigest, checkPolicy, refuse } from "./request-checks.ts";
import { HASHES, type TsaHash } from "./oids.ts";
import type { TimestampRequest } from "./types.ts";

const SHAPE = '{"artifactHash": "<base64 digest>", "hashAlgorithm": "sha256"}';
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const INTEGER = /^-?(0|[1-9][0-9]*)$/;

export function parseJsonRequest(body: Uint8Array, policy: string): TimestampRequest {
  const { value: obj, nonceSource } = decode(body);
  const hashName = field(obj, "hashAlgorithm", "string");
  if (hashName === undefined) throw refuse("badRequest", "the JSON timestamp request has no hashAlgorithm", `send ${SHAPE}`);
  const hash = hashName.toLowerCase();
  if (!Object.hasOwn(HASHES, hash)) {
    const weak = hash === "sha1" || hash === "md5" || hash === "sha224";
    throw refuse("badAlg", `the JSON timestamp request's hashAlgorithm ${JSON.stringify(hashName)} is ${weak ? "refused as too weak" : "not supported"}`, ALGORITHMS_HINT);
  }
  const artifactHash = field(obj, "artifactHash", "string");
  if (artifactHash === undefined) throw refuse("badRequest", "the JSON timestamp request has no artifactHash", `send ${SHAPE}`);
  if (!B64.test(artifactHash) || artifactHash.length % 4 !== 0) {
    throw refuse("badDataFormat", "the JSON timestamp request's artifactHash is not standard base64", "encode the digest bytes with padded base64 (not hex, not base64url)");
  }
  const digest = new Uint8Array(Buffer.from(artifactHash, "base64"));
  checkDigest(hash as TsaHash, digest, "the JSON timestamp request's artifactHash");
  const asked = field(obj, "tsaPolicyOID", "string");
  checkPolicy(asked, policy, "the JSON timestamp request's tsaPolicyOID");
  const out: TimestampRequest = { hashAlgorithm: hash as TsaHash, digest, certReq: field(obj, "certificates", "boolean") ?? false, form: "json" };
  const nonce = field(obj, "nonce", "number");
  if (nonce !== undefined) out.nonce = nonceBytes(nonce, nonceSource);
  if (asked !== undefined) out.policy = asked;
  return out;
}

type Kinds = { string: string; boolean: boolean; number: number };

/** An optional field of the given JSON type (null counts as absent). */
function field<K extends keyof Kinds>(obj: Record<string, unknown>, name: string, kind: K): Kinds[K] | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== kind) throw refuse("badDataFormat", `the JSON timestamp request's ${name} is ${typeof v}, not a ${kind}`, `send ${SHAPE}`);
  return v as Kinds[K];
}

/** The nonce's INTEGER bytes, from its source text where the runtime gives it (so nonces over 2^53 stay exact). */
function nonceBytes(n: number, source: string | undefined): Uint8Array {
  let big: bigint;
  if (source !== undefined) {
    if (!INTEGER.test(source)) throw refuse("badDataFormat", `the JSON timestamp request's nonce ${source} is not an integer`);
    big = BigInt(source);
  } else {
    if (!Number.isSafeInteger(n)) throw refuse("badDataFormat", `the JSON timestamp request's nonce ${n} is not an integer within ±2^53`);
    big = BigInt(n);
  }
  return new Uint8Array(asn1js.Integer.fromBigInt(big).valueBlock.valueHexView);
}

function decode(body: Uint8Array): { value: Record<string, unknown>; nonceSource?: string } {
  const sources = new WeakMap<object, string>();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body), function (this: object, key: string, v: unknown, ctx?: { source?: string }) {
      if (key === "nonce" && ctx?.source !== undefined) sources.set(this, ctx.source);
      return v;
    });
  } catch (e) {
    throw refuse("badDataFormat", `the timestamp request is not JSON: ${(e as Error).message}`, `send ${SHAPE}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw refuse("badDataFormat", "the JSON timestamp request is not an object", `send ${SHAPE}`);
  }
  return { value: value as Record<string, unknown>, nonceSource: sources.get(value) };
}
