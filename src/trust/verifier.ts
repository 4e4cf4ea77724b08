// The one verifier: every place cairn checks a signature (att verify, run describe --verify, verified push, import,
// store fsck, the web run page, ATTESTATION/SLSA_PROVENANCE materials) calls verifyBundle. It takes a Sigstore bundle
// v0.1–v0.3 (DSSE or message signature, key- or certificate-signed) or a bare DSSE envelope, and a TrustPolicy.
// Any failure is CairnError VERIFY_FAILED with a one-line reason naming what failed.
import { createHash } from "node:crypto";
import { HashAlgorithm } from "@sigstore/protobuf-specs";
import { verifyEnvelope, verifyFailed } from "../signing/envelope.ts";
import { keyId } from "../signing/keys.ts";
import type { CheckedLogEntry, CheckedTimestamp } from "./authorities.ts";
import { checkIdentity, type TrustPolicy } from "./policy.ts";
import { parseBundle, signedEntity, verifyCertSigned, verifyKeySigned, type VerifiedSignature } from "./sigstore.ts";
import type { Signer } from "./signer.ts";
import { parseTrustedRoot, type NamedRoot, type ParsedRoot } from "./trusted-root.ts";

export type { Signer } from "./signer.ts";
export type { CheckedTimestamp, CheckedLogEntry } from "./authorities.ts";

export interface VerifiedBundle {
  kind: "dsse" | "message";
  /** DSSE: the exact signed payload bytes (hand these on; never re-serialize `statement`). */
  payload?: Uint8Array;
  payloadType?: string;
  /** DSSE: the payload parsed as JSON, when it is JSON (not schema-checked). */
  statement?: unknown;
  /** Message signature: sha256:HEX of the signed message. */
  messageDigest?: string;
  /** "dsse" for a bare envelope, else the bundle's media type. */
  container: string;
  signer: Signer;
  /** Every verified time: TSA timestamps and transparency-log integrated times. */
  timestamps: CheckedTimestamp[];
  /** Transparency-log entries whose inclusion was verified. */
  tlogEntries: CheckedLogEntry[];
}

/** Verifies `bytes` under `policy` (see the file comment). */
export function verifyBundle(bytes: Uint8Array, policy: TrustPolicy): VerifiedBundle {
  const obj = parseJsonObject(bytes, "the attestation");
  const roots = policy.roots.map(parsedRoot);
  let out: VerifiedBundle;
  if ("mediaType" in obj || "dsseEnvelope" in obj || "verificationMaterial" in obj || "messageSignature" in obj) {
    const bundle = parseBundle(obj);
    const entity = signedEntity(bundle, policy.artifact);
    const keySigned = bundle.verificationMaterial.content.$case === "publicKey";
    const v: VerifiedSignature = keySigned ? verifyKeySigned(bundle, entity, policy.keys, roots) : verifyCertSigned(bundle, entity, roots, policy.tlogOptional);
    const base = { container: bundle.mediaType, signer: v.signer, timestamps: v.timestamps, tlogEntries: v.tlogEntries };
    if (bundle.content.$case === "dsseEnvelope") {
      const env = bundle.content.dsseEnvelope;
      out = { kind: "dsse", ...dsseFields(new Uint8Array(env.payload), env.payloadType), ...base };
    } else {
      const md = bundle.content.messageSignature.messageDigest;
      const hex = Buffer.from(md.digest).toString("hex");
      const artifactHex = createHash("sha256").update(policy.artifact!).digest("hex");
      if (md.algorithm === HashAlgorithm.SHA2_256 && hex !== artifactHex) {
        verifyFailed(`the bundle's message digest sha256:${hex} is not the digest of the given artifact (sha256:${artifactHex})`);
      }
      out = { kind: "message", messageDigest: `sha256:${artifactHex}`, ...base };
    }
  } else if ("payload" in obj && "signatures" in obj) {
    if (policy.keys.length === 0) verifyFailed("a bare DSSE envelope carries no certificate: it can only be checked with the signer's public key", "pass it with --key");
    const env = verifyEnvelope(obj, policy.keys);
    out = { kind: "dsse", ...dsseFields(env.payload, env.payloadType), container: "dsse", signer: { kind: "key", keyId: keyId(env.key) }, timestamps: [], tlogEntries: [] };
  } else {
    return verifyFailed("the attestation is not a Sigstore bundle or DSSE envelope");
  }
  if (out.signer.kind === "certificate" && policy.identity) {
    const mismatch = checkIdentity(policy.identity, out.signer.san, out.signer.issuer);
    if (mismatch) verifyFailed(mismatch);
  }
  if (policy.digest) checkDigest(out, policy.digest);
  if (policy.requireTlog && out.tlogEntries.length === 0) {
    verifyFailed("the bundle has no entry in a trusted transparency log", "push it through a `cairn serve` with a log (its trusted root lists the log), or drop --require-tlog");
  }
  return out;
}

function dsseFields(payload: Uint8Array, payloadType: string): { payload: Uint8Array; payloadType: string; statement?: unknown } {
  const statement = parseJsonOrUndefined(payload);
  return { payload, payloadType, ...(statement !== undefined ? { statement } : {}) };
}

/** DSSE: the digest must be a subject's sha256; message signature: the message's. */
function checkDigest(v: VerifiedBundle, digest: string): void {
  if (v.kind === "message") {
    if (v.messageDigest !== digest) verifyFailed(`digest mismatch: the signed message is ${v.messageDigest}, expected ${digest}`);
    return;
  }
  const subjects = (v.statement as { subject?: { digest?: Record<string, string> }[] } | undefined)?.subject;
  if (!Array.isArray(subjects)) verifyFailed(`digest mismatch: the DSSE payload is not an in-toto statement with subjects, so it cannot name ${digest}`);
  const hex = digest.slice("sha256:".length);
  if (!subjects.some((s) => s?.digest?.["sha256"] === hex)) verifyFailed(`digest mismatch: ${digest} is not a subject digest of the statement`);
}

// Roots are parsed once per object (fsck and import verify many bundles against the same set).
const parsedCache = new WeakMap<NamedRoot, ParsedRoot>();
function parsedRoot(r: NamedRoot): ParsedRoot {
  let p = parsedCache.get(r);
  if (!p) {
    p = parseTrustedRoot(r.json, r.name, `trusted root ${r.name}`, "VERIFY_FAILED");
    parsedCache.set(r, p);
  }
  return p;
}

/** Parses bytes as a JSON object (VERIFY_FAILED naming what they were meant to be). */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return verifyFailed(`${what} is not valid JSON`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) verifyFailed(`${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}

function parseJsonOrUndefined(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}
