// A Sigstore bundle (v0.1–v0.3) checked with @sigstore/verify: key-signed against every given key, certificate-signed
// against each trusted root in turn (thresholds chosen per root), tlog entries and timestamps reported.
import { X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { Verifier, toSignedEntity, type SignedEntity } from "@sigstore/verify";
import { keyId } from "../signing/keys.ts";
import { verifyFailed } from "../signing/envelope.ts";
import { CairnError } from "../errors.ts";
import { authoritiesOf, narrow, rootAuthorities, type Authorities, type CheckedLogEntry, type CheckedTimestamp, type Narrowed } from "./authorities.ts";
import { reasonFor, type FailureContext } from "./reasons.ts";
import { dnLine, issuingCa, type Signer } from "./signer.ts";
import type { ParsedRoot } from "./trusted-root.ts";

export interface VerifiedSignature {
  signer: Signer;
  timestamps: CheckedTimestamp[];
  tlogEntries: CheckedLogEntry[];
}

/** Validates the bundle document (VERIFY_FAILED naming the defect). */
export function parseBundle(obj: Record<string, unknown>): Bundle {
  try {
    return bundleFromJSON(obj);
  } catch (e) {
    const fields = (e as { fields?: unknown }).fields;
    const detail = Array.isArray(fields) && fields.length > 0 ? fields.join(", ") : (e as Error).message;
    return verifyFailed(`not a valid Sigstore bundle (${detail})`);
  }
}

/** The bundle's signed entity; a message signature needs the signed bytes. */
export function signedEntity(bundle: Bundle, artifact: Uint8Array | undefined): SignedEntity {
  if (bundle.content.$case === "messageSignature" && artifact === undefined) {
    verifyFailed("the bundle holds a message signature: its signed bytes are needed to check it", "pass the signed file with --artifact FILE");
  }
  try {
    return toSignedEntity(bundle, artifact && Buffer.from(artifact));
  } catch (e) {
    return verifyFailed(`the bundle's certificate or timestamps do not parse (${(e as Error).message})`);
  }
}

/** Names both ways to verify: a key-signed bundle needs --key; keyless ones are checked by identity and root. */
const KEY_SIGNED_HINT =
  "pass the signer's public key with --key cosign.pub; a keyless (certificate-signed) bundle is checked with " +
  "--certificate-identity and --certificate-oidc-issuer instead, against the home's roots or --trusted-root";

/** Key-signed: every key is tried (the hint never selects); logs and TSAs known to a root are verified too. */
export function verifyKeySigned(bundle: Bundle, entity: SignedEntity, keys: KeyObject[], roots: ParsedRoot[]): VerifiedSignature {
  const hint = bundle.verificationMaterial.content.$case === "publicKey" ? bundle.verificationMaterial.content.publicKey.hint : "";
  if (keys.length === 0) verifyFailed(`the bundle is key-signed${hint ? ` (key hint ${hint})` : ""} and no public key was given`, KEY_SIGNED_HINT);
  const auth = authoritiesOf(roots);
  const n = safeNarrow(entity, auth);
  const ctx: FailureContext = { root: roots.map((r) => r.name).join(", ") || "(none)", timestamps: n.timestamps, ignored: n.ignored, keyCount: keys.length };
  let last: unknown;
  for (const key of keys) {
    const trust = { ...auth.material, publicKey: () => ({ publicKey: key, validFor: () => true }) };
    try {
      new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(n.entity);
      return { signer: { kind: "key", keyId: keyId(key) }, timestamps: n.timestamps, tlogEntries: n.logEntries };
    } catch (e) {
      last = e;
      // Timestamps and log entries are checked before the signature and do not depend on the key: report them now.
      if ((e as { code?: string }).code !== "SIGNATURE_ERROR") break;
    }
  }
  return fail(last, ctx);
}

/**
 * Certificate-signed: the leaf must chain to a CA of a trusted root, with a verified time inside its validity; and an
 * entry of the root's log when it lists one, unless `tlogOptional` (the caller logs it: a server on push).
 */
export function verifyCertSigned(bundle: Bundle, entity: SignedEntity, roots: ParsedRoot[], tlogOptional = false): VerifiedSignature {
  const leaf = parseLeaf(leafDer(bundle));
  const candidates = roots.map((root) => ({ root, ca: issuingCa(leaf, root) })).filter((c) => c.ca !== undefined);
  if (candidates.length === 0) {
    const names = roots.map((r) => r.name).join(", ") || "none given";
    verifyFailed(`untrusted CA: the certificate was issued by ${dnLine(leaf.issuer)}, a CA in none of the trusted roots (${names})`, "add its trusted_root.json with `cairn trust-root add` or pass --trusted-root FILE");
  }
  const validity = { notBefore: leaf.validFromDate, notAfter: leaf.validToDate };
  let first: { e: unknown; ctx: FailureContext } | undefined;
  for (const { root, ca } of candidates) {
    const n = safeNarrow(entity, rootAuthorities(root));
    const options = { ctlogThreshold: root.root.ctlogs.length > 0 ? 1 : 0, tlogThreshold: logsBy(root, validity.notAfter) > 0 && !tlogOptional ? 1 : 0, timestampThreshold: 1 };
    try {
      const s = new Verifier(root.material, options).verify(n.entity);
      const issuer = s.identity?.extensions?.issuer;
      const signer: Signer = {
        kind: "certificate",
        san: s.identity?.subjectAlternativeName ?? "",
        ...(issuer ? { issuer } : {}),
        root: root.name,
        caSubject: dnLine(ca!.subject),
        ...validity,
      };
      return { signer, timestamps: n.timestamps, tlogEntries: n.logEntries };
    } catch (e) {
      first ??= { e, ctx: { root: root.name, timestamps: n.timestamps, ignored: n.ignored, leaf: validity } };
    }
  }
  return fail(first!.e, first!.ctx);
}

/**
 * The root's logs that already existed while the certificate was valid (their key's validFor starts before its
 * notAfter): a signature made before a log began cannot be on it, so that log is no reason to refuse it. A home CA's
 * bundles from before its first `cairn serve` keep verifying once the root lists the server's log.
 */
function logsBy(root: ParsedRoot, notAfter: Date): number {
  return root.root.tlogs.filter((t) => {
    const start = t.publicKey?.validFor?.start;
    return start === undefined || new Date(start).getTime() <= notAfter.getTime();
  }).length;
}

function parseLeaf(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (e) {
    return verifyFailed(`the bundle's certificate does not parse (${(e as Error).message})`);
  }
}

function leafDer(bundle: Bundle): Buffer {
  const m = bundle.verificationMaterial.content;
  if (m.$case === "certificate") return m.certificate.rawBytes;
  if (m.$case === "x509CertificateChain" && m.x509CertificateChain.certificates[0]) return m.x509CertificateChain.certificates[0].rawBytes;
  return verifyFailed("the bundle carries no signing certificate");
}

function fail(e: unknown, ctx: FailureContext): never {
  if (e instanceof CairnError) throw e;
  // Anything else came from parsing attacker-controlled bytes deeper than bundleFromJSON looks (a malformed token).
  return verifyFailed(reasonFor(e, ctx) ?? `the bundle is malformed (${(e as Error).message})`);
}

/** narrow() reads timestamp tokens and log entries: a malformed one is a refusal, not a crash. */
function safeNarrow(entity: SignedEntity, auth: Authorities): Narrowed {
  try {
    return narrow(entity, auth);
  } catch (e) {
    return verifyFailed(`a timestamp or transparency-log entry of the bundle is malformed (${(e as Error).message})`);
  }
}
