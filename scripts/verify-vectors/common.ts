// What every vector case shares: the generation context (PKI, logs, output files) and the signing steps.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { bundle, IN_TOTO, MEDIA_V03, pae, sha256, signBytes, statement } from "./bundle.ts";
import type { Issued, OpenSsl } from "./openssl.ts";
import { CAIRN_IDENTITY, issueLeaf, type Authority, type Identity } from "./pki.ts";
import { ed25519LogId, spkiLogId, type Log } from "./rekor.ts";

/** One entry of test/vectors/index.json (schema in notes/keyless-design.md, plus `artifact` for message signatures). */
export interface Vector {
  name: string;
  description: string;
  bundle: string;
  trustedRoots: string[];
  keys: string[];
  /** The signed file, for message signatures (@sigstore/verify checks the signature over its bytes). */
  artifact?: string;
  policy: {
    certificateIdentity?: string;
    certificateIdentityRegexp?: string;
    certificateOidcIssuer?: string;
    certificateOidcIssuerRegexp?: string;
    digest?: string;
  };
  expect: "ok" | "fail";
  reason?: "untrusted-ca" | "no-verified-time" | "identity" | "issuer" | "expired" | "timestamp-outside-validity"
    | "tlog-proof" | "checkpoint" | "signature" | "digest";
  signer?: { san: string; issuer: string };
}

/** Everything a case may use, and the files it adds (paths relative to test/vectors). */
export interface Ctx {
  ssl: OpenSsl;
  cairn: Authority;
  other: Authority;
  /** Same subject names as `cairn`, different keys: a look-alike CA nobody trusts. */
  twin: Authority;
  rekorV1: Log;
  rekorV2: Log;
  /** Generation time rounded down to the second; TSA replies carry the real clock. */
  now: Date;
  files: Map<string, string | Uint8Array>;
}

export const ROOT_CAIRN = "roots/cairn.json";
export const ROOT_OTHER = "roots/other-org.json";
export const ROOT_REKOR_V1 = "roots/cairn-rekor-v1.json";
export const ROOT_REKOR_V2 = "roots/cairn-rekor-v2.json";

/** The subject every DSSE vector attests to. */
export const SUBJECT_NAME = "app.tar.gz";
export const SUBJECT_DIGEST = sha256(Buffer.from("app.tar.gz: cairn verification vector subject\n")).toString("hex");
/** The file every message-signature vector signs, and a different one. */
export const ARTIFACT = "artifacts/release-notes.txt";
export const ARTIFACT_BYTES = Buffer.from("acme/app release notes: cairn verification vector artifact\n");
export const OTHER_ARTIFACT = "artifacts/other.txt";
export const OTHER_ARTIFACT_BYTES = Buffer.from("a different file than the one that was signed\n");

export const sha256Ref = (b: Uint8Array): string => `sha256:${sha256(b).toString("hex")}`;
export const signerOf = (id: Identity): { san: string; issuer: string } => ({ san: id.san, issuer: id.issuer });

/** The logs: Rekor v2 (Ed25519 note key, origin = bare host of baseUrl) and Rekor v1 (ECDSA P-256). */
export function makeLogs(): { rekorV1: Log; rekorV2: Log } {
  const ed = generateKeyPairSync("ed25519");
  const edSpki = ed.publicKey.export({ format: "der", type: "spki" });
  const rekorV2: Log = {
    name: "cairn.test", origin: "cairn.test", baseUrl: "https://cairn.test/rekor", key: ed.privateKey,
    spki: edSpki, logId: ed25519LogId("cairn.test", edSpki), kind: "ed25519",
  };
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ecSpki = ec.publicKey.export({ format: "der", type: "spki" });
  const rekorV1: Log = {
    name: "rekor-v1.cairn.test", origin: "rekor-v1.cairn.test - 4711", baseUrl: "https://rekor-v1.cairn.test",
    key: ec.privateKey, spki: ecSpki, logId: spkiLogId(ecSpki), kind: "ecdsa",
  };
  return { rekorV1, rekorV2 };
}

/** A keyless DSSE signature: a fresh 10-minute certificate for `identity` and its signature over the statement's PAE. */
export function keylessDsse(ctx: Ctx, name: string, opts: { ca?: Authority; identity?: Identity; start?: Date } = {}) {
  const ca = opts.ca ?? ctx.cairn;
  const identity = opts.identity ?? CAIRN_IDENTITY;
  const start = opts.start ?? new Date(ctx.now.getTime() - 60_000);
  const leaf = issueLeaf(ctx.ssl, ca, name, identity, start);
  checkChain(ctx, leaf, ca, new Date(start.getTime() + 60_000));
  const payload = statement(SUBJECT_NAME, SUBJECT_DIGEST, identity.san);
  const sig = signBytes(leaf.key, pae(IN_TOTO, payload));
  return { leaf, identity, payload, sig, pae: pae(IN_TOTO, payload) };
}

/** A keyless message signature over `artifact`. */
export function keylessMessage(ctx: Ctx, name: string, opts: { identity?: Identity; start?: Date; artifact?: Buffer } = {}) {
  const identity = opts.identity ?? CAIRN_IDENTITY;
  const start = opts.start ?? new Date(ctx.now.getTime() - 60_000);
  const leaf = issueLeaf(ctx.ssl, ctx.cairn, name, identity, start);
  checkChain(ctx, leaf, ctx.cairn, new Date(start.getTime() + 60_000));
  const artifact = opts.artifact ?? ARTIFACT_BYTES;
  return { leaf, identity, digest: sha256(artifact), signature: signBytes(leaf.key, artifact) };
}

/** An RFC 3161 reply from `ca`'s TSA over `sig`, self-checked with `openssl ts -verify`. */
export function tsaTimestamp(ctx: Ctx, sig: Buffer, ca: Authority = ctx.cairn, certReq = false): Buffer {
  const resp = ctx.ssl.timestamp(sig, ca.tsa, certReq);
  ctx.ssl.verifyTimestamp(resp, sig, ca.root.certPath, ca.tsa.certPath);
  return resp;
}

/** `openssl verify` agrees the leaf chains to its CA at `at`, inside its window (a self-check of the generator). */
export function checkChain(ctx: Ctx, leaf: Issued, ca: Authority, at: Date): void {
  ctx.ssl.verifyChain(leaf, ca.root, ca.intermediate, at);
}

/** The PEM SPKI of a key (what a key-signed vector's policy gives). */
export const publicPem = (key: Issued["key"]): string =>
  createPublicKey(key).export({ format: "pem", type: "spki" }).toString();

/** Adds a JSON file (2-space indented, trailing newline) and returns its path. */
export function addJson(ctx: Ctx, path: string, value: unknown): string {
  ctx.files.set(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

type Extra = { mediaType?: string; timestamps?: Buffer[]; tlogEntries?: Record<string, unknown>[] };

/** A bundle (v0.3 unless told) with the keyless DSSE signature `d`, its leaf as `certificate`. */
export function dsseBundle(d: ReturnType<typeof keylessDsse>, extra: Extra = {}): Record<string, unknown> {
  const { mediaType = MEDIA_V03, ...rest } = extra;
  return bundle({ mediaType, material: { certificate: d.leaf.der }, content: { dsse: { payloadType: IN_TOTO, payload: d.payload, sig: d.sig } }, ...rest });
}

/** A bundle (v0.3 unless told) with the keyless message signature `m`, its leaf as `certificate`. */
export function messageBundle(m: ReturnType<typeof keylessMessage>, extra: Extra = {}): Record<string, unknown> {
  const { mediaType = MEDIA_V03, ...rest } = extra;
  return bundle({ mediaType, material: { certificate: m.leaf.der }, content: { message: m }, ...rest });
}
