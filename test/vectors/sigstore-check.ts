// Checks one manifest vector with @sigstore/verify 4.1.3 directly (none of cairn's code), with the thresholds cairn
// uses: ctlogThreshold 0 for roots without CT logs, tlogThreshold 0 for roots without tlogs, timestampThreshold 1
// for certificate-signed bundles (0 for key-signed). Each trusted root is tried on its own, as cairn reports which
// root matched. @sigstore/verify has no digest or issuer-regexp policy; `applyCairnPolicy` adds them as cairn will.
import { createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { Verifier, toSignedEntity, toTrustMaterial, type Signer, type VerificationPolicy } from "@sigstore/verify";

export interface ManifestVector {
  name: string;
  description: string;
  bundle: string;
  trustedRoots: string[];
  keys: string[];
  artifact?: string;
  policy: {
    certificateIdentity?: string;
    certificateIdentityRegexp?: string;
    certificateOidcIssuer?: string;
    certificateOidcIssuerRegexp?: string;
    digest?: string;
  };
  expect: "ok" | "fail";
  reason?: string;
  signer?: { san: string; issuer: string };
}

/** The committed vectors; a freshly generated set may live elsewhere (every function takes the directory). */
export const VECTORS_DIR = import.meta.dir;
export const readVectorFile = (path: string, dir = VECTORS_DIR): Buffer => readFileSync(join(dir, path));
const readJson = (path: string, dir: string): unknown => JSON.parse(readVectorFile(path, dir).toString("utf8"));

/** The vector's bundle, parsed and validated by @sigstore/bundle. */
export const loadBundle = (v: ManifestVector, dir = VECTORS_DIR): Bundle => bundleFromJSON(readJson(v.bundle, dir));

const EMPTY_ROOT = { mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

export interface Checked {
  /** One entry per (root, key) attempt: the signer it verified, or the error text it failed with. */
  attempts: { root: string; signer?: Signer; error?: string }[];
}

/** The error text with its causes, e.g. "CERTIFICATE_ERROR: Failed to verify certificate chain <- no valid …". */
function describe(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e; c instanceof Error; c = (c as { cause?: unknown }).cause) {
    const code = (c as { code?: string }).code;
    parts.push(code ? `${code}: ${c.message}` : c.message);
  }
  return parts.join(" <- ");
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The part of the manifest policy @sigstore/verify evaluates itself (exact SAN = anchored, escaped RegExp). */
export function sigstorePolicy(p: ManifestVector["policy"]): VerificationPolicy {
  const san = p.certificateIdentity !== undefined ? new RegExp(`^${escapeRegExp(p.certificateIdentity)}$`)
    : p.certificateIdentityRegexp !== undefined ? new RegExp(p.certificateIdentityRegexp) : undefined;
  return {
    ...(san ? { subjectAlternativeName: san } : {}),
    ...(p.certificateOidcIssuer !== undefined ? { extensions: { issuer: p.certificateOidcIssuer } } : {}),
  };
}

/** The policy cairn adds on top: issuer regexp, and `--digest` (message digest, or one of the statement's subjects). */
export function applyCairnPolicy(p: ManifestVector["policy"], signer: Signer, bundle: Bundle): void {
  if (p.certificateOidcIssuerRegexp !== undefined) {
    const issuer = signer.identity?.extensions?.issuer ?? "";
    if (!new RegExp(p.certificateOidcIssuerRegexp).test(issuer)) throw new Error(`issuer ${issuer} does not match ${p.certificateOidcIssuerRegexp}`);
  }
  if (p.digest === undefined) return;
  const want = p.digest.replace(/^sha256:/, "");
  const content = bundle.content;
  const have = content.$case === "messageSignature"
    ? [content.messageSignature.messageDigest!.digest.toString("hex")]
    : ((JSON.parse(content.dsseEnvelope.payload.toString("utf8")) as { subject?: { digest?: { sha256?: string } }[] }).subject ?? [])
        .map((s) => s.digest?.sha256 ?? "");
  if (!have.includes(want)) throw new Error(`digest mismatch: ${p.digest} is not ${have.map((h) => `sha256:${h}`).join(", ")}`);
}

/** Runs @sigstore/verify over the vector with every (root, key) pair; `policy: false` leaves the policy out. */
export function checkVector(v: ManifestVector, opts: { policy?: boolean; dir?: string } = {}): Checked {
  const dir = opts.dir ?? VECTORS_DIR;
  const bundle = loadBundle(v, dir);
  const artifact = v.artifact ? readVectorFile(v.artifact, dir) : undefined;
  const entity = toSignedEntity(bundle, artifact);
  const certSigned = bundle.verificationMaterial.content.$case !== "publicKey";
  const keys: (KeyObject | undefined)[] = v.keys.length ? v.keys.map((k) => createPublicKey(readVectorFile(k, dir))) : [undefined];
  const roots = v.trustedRoots.length ? v.trustedRoots : ["(empty root)"];
  const attempts: Checked["attempts"] = [];
  for (const rootPath of roots) {
    const root = TrustedRoot.fromJSON(v.trustedRoots.length ? readJson(rootPath, dir) : EMPTY_ROOT);
    for (const key of keys) {
      const trust = toTrustMaterial(root, (hint) => {
        if (!key) throw new Error(`no public key for hint ${hint}`);
        return { publicKey: key, validFor: () => true };
      });
      const verifier = new Verifier(trust, {
        ctlogThreshold: root.ctlogs.length ? 1 : 0,
        tlogThreshold: root.tlogs.length ? 1 : 0,
        timestampThreshold: certSigned ? 1 : 0,
      });
      try {
        const signer = verifier.verify(entity, opts.policy === false ? undefined : sigstorePolicy(v.policy));
        if (opts.policy !== false) applyCairnPolicy(v.policy, signer, bundle);
        attempts.push({ root: rootPath, signer });
      } catch (e) {
        attempts.push({ root: rootPath, error: describe(e) });
      }
    }
  }
  return { attempts };
}

/** What @sigstore/verify says, per manifest reason (matched against the error text and its causes). */
export const REASONS: Record<string, RegExp> = {
  "untrusted-ca": /Failed to verify certificate chain <- .*(no valid certificate path found|no trusted certificate path found)/,
  "no-verified-time": /TIMESTAMP_ERROR: expected 1 timestamps, got 0/,
  identity: /UNTRUSTED_SIGNER_ERROR: certificate identity error/,
  issuer: /UNTRUSTED_SIGNER_ERROR: invalid certificate extension - expected issuer=/,
  expired: /Failed to verify certificate chain <- .*certificate is not valid or expired at the specified date/,
  "timestamp-outside-validity": /Failed to verify certificate chain <- .*certificate is not valid or expired at the specified date/,
  "tlog-proof": /TLOG_INCLUSION_PROOF_ERROR: calculated root hash does not match inclusion proof/,
  checkpoint: /TLOG_INCLUSION_PROOF_ERROR: invalid checkpoint signature/,
  signature: /SIGNATURE_ERROR: signature verification failed/,
  digest: /digest mismatch/,
};

/** Why the vector's claim does not hold under `c` (null when it does): ok = one attempt verifies; fail = all fail with its reason. */
export function claimMismatch(v: ManifestVector, c: Checked): string | null {
  const errors = c.attempts.map((a) => `${a.root}: ${a.error ?? "verified"}`).join("; ");
  if (v.expect === "ok") return c.attempts.some((a) => a.signer) ? null : errors;
  const pattern = REASONS[v.reason ?? ""];
  if (!pattern) return `unknown reason ${v.reason}`;
  return c.attempts.every((a) => a.error !== undefined && pattern.test(a.error)) ? null : errors;
}
