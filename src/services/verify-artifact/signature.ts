// The signed half of a judgement: the bundle's bytes re-hashed, its signature verified by verifyBundle (the one
// verifier), and its statement read for the artifact. Identity pins and --require-tlog are judged after the signature,
// so an attestation that is genuine but signed by the wrong identity (or unlogged) is a policy failure, not a forgery.
import type { KeyObject } from "node:crypto";
import { sha256 } from "../../crafter/sha256.ts";
import { isCairnError } from "../../errors.ts";
import { checkIdentity, type IdentityPolicy, type NamedRoot } from "../../trust/policy.ts";
import { verifyBundle, type VerifiedBundle } from "../../trust/verifier.ts";
import { describeSigner } from "../../trust/signer.ts";
import { keyId } from "../../signing/keys.ts";
import { signedFacts, type SignedFacts } from "./statement.ts";
import { BoundedMap } from "../bounded-map.ts";

const STATEMENT_TYPES = ["https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1"];

export interface SignatureTrust {
  keys: KeyObject[];
  roots: NamedRoot[];
}

export type SignatureCheck =
  | { ok: true; verified: VerifiedBundle; facts: SignedFacts; signer: string }
  /** `signed`: the signature verified (`signer` set), but the payload is not a statement naming the artifact. */
  | { ok: false; reason: string; signer?: string; signed?: true };

export { sha256 };

/** Verifies `bytes` (expected to hash to `bundleDigest`) as an attestation naming `artifact`. */
export function checkSignature(bytes: Uint8Array, bundleDigest: string, artifact: string, trust: SignatureTrust): SignatureCheck {
  if (sha256(bytes) !== bundleDigest) return { ok: false, reason: `bundle bytes do not hash to ${bundleDigest} (tampered)` };
  let verified: VerifiedBundle;
  try {
    verified = verifiedOnce(bytes, bundleDigest, trust);
  } catch (e) {
    if (isCairnError(e, "VERIFY_FAILED")) return { ok: false, reason: `signature: ${e.message}` };
    throw e;
  }
  const signer = verified.signer.kind === "key" ? describeSigner(verified.signer) : verified.signer.san || "(no SAN)";
  if (verified.kind !== "dsse" || verified.payloadType !== "application/vnd.in-toto+json") return { ok: false, reason: "not an in-toto attestation (DSSE)", signer, signed: true };
  const st = verified.statement as { _type?: unknown } | undefined;
  if (!STATEMENT_TYPES.includes(String(st?._type))) return { ok: false, reason: "payload is not an in-toto statement", signer, signed: true };
  const facts = signedFacts(verified.statement, artifact);
  if (!facts.role) return { ok: false, reason: `the signed statement does not name ${artifact}`, signer, signed: true };
  return { ok: true, verified, facts, signer };
}

/**
 * verifyBundle is a pure function of the bytes, the keys and the roots (certificate validity is judged at the signed
 * time, not now), so a server answering the same artifact again reuses a success: keyed by the bundle digest (the
 * bytes were just re-hashed), the trusted key ids and the roots' identities. Revoking a key or changing a root file
 * changes the key, so a revoked key's bundles are verified again (and fail). Failures are never cached.
 */
const SUCCESSES = 2048;
const successes = new BoundedMap<string, VerifiedBundle>(SUCCESSES);
const rootIds = new WeakMap<object, number>();
let nextRootId = 1;

function verifiedOnce(bytes: Uint8Array, bundleDigest: string, trust: SignatureTrust): VerifiedBundle {
  const roots = trust.roots.map((r) => {
    let id = rootIds.get(r.json);
    if (id === undefined) rootIds.set(r.json, (id = nextRootId++));
    return `${r.name}#${id}`;
  });
  const key = `${bundleDigest}|${trust.keys.map((k) => keyId(k)).sort().join(",")}|${roots.join(",")}`;
  const hit = successes.get(key);
  if (hit) return hit;
  const verified = verifyBundle(bytes, { keys: trust.keys, roots: trust.roots });
  successes.set(key, verified);
  return verified;
}

/** Identity pins (certificates only: a key is trusted as given) and --require-tlog, on a verified bundle. */
export function signerReasons(v: VerifiedBundle, identity: IdentityPolicy | undefined, requireTlog: boolean | undefined): string[] {
  const reasons: string[] = [];
  if (identity && v.signer.kind === "certificate") {
    const mismatch = checkIdentity(identity, v.signer.san, v.signer.issuer);
    if (mismatch) reasons.push(mismatch);
  }
  if (requireTlog && v.tlogEntries.length === 0) reasons.push("no verified transparency-log entry (--require-tlog)");
  return reasons;
}
