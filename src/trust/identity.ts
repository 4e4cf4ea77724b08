// What a certificate says about its subject, and what an OIDC ID token verified into. Shared by the CA (which issues
// from a VerifiedIdentity), the OIDC issuer/verifier (which produces one) and the verifier (which reads CertIdentity
// back out of a leaf certificate).

/** Fulcio's OID arc for certificate extensions: 1.3.6.1.4.1.57264.1.<n>. */
export const FULCIO_OID_ARC = "1.3.6.1.4.1.57264.1";

/** The subject of a short-lived signing certificate: exactly one SAN plus Fulcio's OID extensions. */
export interface CertIdentity {
  san: { type: "uri" | "email"; value: string };
  /** The OIDC issuer (`iss`), written as OID .1 (raw bytes) and .8 (UTF8String). */
  issuer: string;
  /** Further Fulcio extensions by the last arc number (9 = Build Signer URI, 24 = Token Subject, …), UTF8String values. */
  extensions: Partial<Record<number, string>>;
}

/** A cairn API token's organization, role and scope, when the identity came from cairn's own issuer. */
export interface CairnTokenIdentity {
  orgId: string;
  orgName: string;
  tokenId: string;
  tokenName: string;
  role: string;
  project: string;
  workflow: string;
}

/** An OIDC ID token that verified: who it names, and the certificate identity Fulcio's rules derive from it. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  /** What the proof of possession must sign: the email for email identities, else `sub` (Fulcio's principal name). */
  proofSubject: string;
  claims: Record<string, unknown>;
  cert: CertIdentity;
  /** Present for tokens cairn issued from an API token. */
  cairn?: CairnTokenIdentity;
  /** The organization whose audit trail records what this identity does (issuer registration's org for CI tokens). */
  auditOrgId: string;
  /** How the audit trail names the caller: `token NAME (role)` for cairn, `oidc ISSUER SUB` for CI tokens. */
  actor: string;
}

/** The certificate identity (SAN URI, and OIDC `sub`) of a cairn workflow: `<issuer>/orgs/<org>/workflows/<project>/<name>`. */
export function workflowIdentity(issuer: string, org: string, project: string, workflow: string): string {
  return `${issuer}/orgs/${encodeURIComponent(org)}/workflows/${encodeURIComponent(project)}/${encodeURIComponent(workflow)}`;
}

/** The identity a leaf certificate names: its one SAN without the `URI:`/`email:` prefix; undefined when it has none. */
export function certificateSan(der: Uint8Array): string | undefined {
  // node:crypto loaded here: its module loads node:stream, which the commands that import this one do not need.
  const { X509Certificate } = require("node:crypto") as typeof import("node:crypto");
  return (new X509Certificate(der).subjectAltName ?? "").replace(/^(URI|email):/, "") || undefined;
}
