// What cairn's Rekor v2 log checks before it appends an entry, and the one entry kind it logs. A hashedrekord request
// must carry a signature that verifies over its digest. A (legacy) DSSE request must carry envelope signatures that
// each verify over PAE(payloadType, payload); it is then logged as a hashedrekord over the PAE, the form rekor-tiles
// settled on after dropping DSSE and the only one sigstore-go ≥ v1.2 verifies: digest = H(PAE) with H the first
// signature's keyDetails hash (SHA-256 for P-256 and Ed25519, which is what @sigstore/verify compares), content = that
// signature, verifier = the verifier it verified with.
import { createHash } from "node:crypto";
import { CairnError } from "../../errors.ts";
import { pae } from "../../signing/pae.ts";
import { canonicalBody, type HashedRekord } from "./body.ts";
import { verifierKey, verifiesOverDigest, verifiesOverMessage } from "./keys.ts";
import type { EntryRequest } from "./request.ts";

export type { HashedRekord } from "./body.ts";
export type { EntryRequest, Verifier } from "./request.ts";

/** An entry-bundle record holds the body behind a uint16 length (C2SP tlog-tiles). */
export const MAX_BODY_BYTES = 65_535;

export function toLoggedEntry(req: EntryRequest): HashedRekord {
  return checkSize(req.kind === "hashedrekord" ? hashedRekord(req) : dsse(req));
}

function checkSize(h: HashedRekord): HashedRekord {
  const size = canonicalBody(h).length;
  if (size > MAX_BODY_BYTES) {
    throw new CairnError("TOO_LARGE", `the entry body would be ${size} bytes; a log entry is at most ${MAX_BODY_BYTES}`, { hint: "log a shorter signature and certificate" });
  }
  return h;
}

function hashedRekord(req: Extract<EntryRequest, { kind: "hashedrekord" }>): HashedRekord {
  const k = verifierKey(req.verifier, "hashedRekordRequestV002.signature.verifier");
  // Cheap checks before the signature check.
  checkSize({ digest: req.digest, algorithm: k.detail.hash, signature: req.signature, verifier: req.verifier });
  if (!verifiesOverDigest(k, req.digest, req.signature)) {
    throw new CairnError("VERIFY_FAILED", `the signature does not verify over the ${k.detail.hash} digest with the verifier's ${describe(req.verifier)}`, {
      hint: "hashedRekordRequestV002.digest must be the digest the signature was made over, and signature.content a DER ECDSA signature",
    });
  }
  return { digest: req.digest, algorithm: k.detail.hash, signature: req.signature, verifier: req.verifier };
}

function dsse(req: Extract<EntryRequest, { kind: "dsse" }>): HashedRekord {
  const keys = req.verifiers.map((v, i) => verifierKey(v, `dsseRequestV002.verifiers[${i}]`));
  const signed = pae(req.payloadType, req.payload);
  const by = req.signatures.map((sig, i) => {
    const j = keys.findIndex((k) => verifiesOverMessage(k, signed, sig));
    if (j < 0) {
      throw new CairnError("VERIFY_FAILED", `the signature does not verify: envelope signature [${i}] does not verify over PAE(payloadType, payload) with ${keys.length === 1 ? "the verifier" : `any of the ${keys.length} verifiers`}`, {
        hint: "the envelope must be logged exactly as signed (payload, payloadType), with the key or certificate that signed it",
      });
    }
    return j;
  });
  const k = keys[by[0]!]!;
  return {
    digest: new Uint8Array(createHash(k.detail.nodeHash).update(signed).digest()),
    algorithm: k.detail.hash,
    signature: req.signatures[0]!,
    verifier: req.verifiers[by[0]!]!,
  };
}

const describe = (v: { x509Certificate?: Uint8Array }): string => (v.x509Certificate ? "certificate's key" : "public key");
