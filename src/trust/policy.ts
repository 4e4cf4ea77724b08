// What a caller trusts and requires, in one typed value: parsed once at the edge (flags, server config), then handed
// to verifyBundle. The identity rules are cosign's: SAN and OIDC issuer, each exact or a regular expression that must
// match the whole value.
import type { KeyObject } from "node:crypto";
import { CairnError } from "../errors.ts";
import type { NamedRoot } from "./trusted-root.ts";

export type { NamedRoot } from "./trusted-root.ts";

/** Who a certificate must name. Exact and regexp forms of one field are exclusive. */
export interface IdentityPolicy {
  san?: string;
  sanRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
}

export interface TrustPolicy {
  /** Public keys, every one tried for a key-signed bundle (the bundle's hint never selects). */
  keys: KeyObject[];
  /** Trusted roots for certificate-signed bundles, tried in turn; also the logs and TSAs checked on key-signed ones. */
  roots: NamedRoot[];
  identity?: IdentityPolicy;
  /** sha256:HEX: a subject digest of a DSSE statement, or the digest of a message signature's message. */
  digest?: string;
  /** The signed bytes of a message signature (needed to check it: Node's crypto cannot verify a bare digest). */
  artifact?: Uint8Array;
  /** At least one entry of a trusted transparency log must verify (`--require-tlog`; a server with a log, on push). */
  requireTlog?: boolean;
  /** A root that lists a log does not make its entry mandatory (the caller logs the signature: a server on push). */
  tlogOptional?: boolean;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Flags as cosign and gh name them, turned into the policy fields (USAGE naming the flag on bad input). */
export interface PolicyFlags {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  digest?: string;
}

export function identityFromFlags(f: PolicyFlags): IdentityPolicy | undefined {
  const pairs: [string | undefined, string | undefined, string][] = [
    [f.certificateIdentity, f.certificateIdentityRegexp, "--certificate-identity"],
    [f.certificateOidcIssuer, f.certificateOidcIssuerRegexp, "--certificate-oidc-issuer"],
  ];
  for (const [exact, re, flag] of pairs) {
    if (exact !== undefined && re !== undefined) throw new CairnError("USAGE", `${flag} and ${flag}-regexp are exclusive`, { hint: "pass one of them" });
    if (exact === "") throw new CairnError("USAGE", `${flag} is empty`);
    if (re !== undefined) compileFull(re, `${flag}-regexp`);
  }
  const id: IdentityPolicy = {
    ...(f.certificateIdentity !== undefined && { san: f.certificateIdentity }),
    ...(f.certificateIdentityRegexp !== undefined && { sanRegexp: f.certificateIdentityRegexp }),
    ...(f.certificateOidcIssuer !== undefined && { issuer: f.certificateOidcIssuer }),
    ...(f.certificateOidcIssuerRegexp !== undefined && { issuerRegexp: f.certificateOidcIssuerRegexp }),
  };
  return Object.keys(id).length > 0 ? id : undefined;
}

export function digestFromFlag(digest: string | undefined): string | undefined {
  if (digest === undefined) return undefined;
  const d = digest.toLowerCase();
  if (!DIGEST.test(d)) throw new CairnError("USAGE", `--digest ${JSON.stringify(digest)} is not sha256:<64 hex digits>`);
  return d;
}

/** A regexp that must match the whole value (a user's `a.example` must not accept `evil-a.example.org`). */
export function compileFull(source: string, what: string, code: "USAGE" | "VERIFY_FAILED" = "USAGE"): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, "u");
  } catch (e) {
    throw new CairnError(code, `${what} ${JSON.stringify(source)} is not a valid regular expression: ${(e as Error).message}`);
  }
}

/** Checks a certificate's SAN and issuer against the policy; the one-line reason names expected vs actual. */
export function checkIdentity(policy: IdentityPolicy, san: string, issuer: string | undefined): string | undefined {
  const shown = san || "(none)";
  if (policy.san !== undefined && san !== policy.san) return `identity mismatch: certificate SAN is ${shown}, expected ${policy.san}`;
  if (policy.sanRegexp !== undefined && !compileFull(policy.sanRegexp, "identity regexp", "VERIFY_FAILED").test(san)) {
    return `identity mismatch: certificate SAN ${shown} does not match ${policy.sanRegexp} (whole value)`;
  }
  const got = issuer ?? "(none)";
  if (policy.issuer !== undefined && issuer !== policy.issuer) return `issuer mismatch: certificate OIDC issuer is ${got}, expected ${policy.issuer}`;
  if (policy.issuerRegexp !== undefined && (issuer === undefined || !compileFull(policy.issuerRegexp, "issuer regexp", "VERIFY_FAILED").test(issuer))) {
    return `issuer mismatch: certificate OIDC issuer ${got} does not match ${policy.issuerRegexp} (whole value)`;
  }
  return undefined;
}
