// The certificate identity Fulcio derives from a verified CI identity token (`FU config/identity/config.yaml`
// ci-issuer-metadata, `pkg/identity/ciprovider/principal.go`, docs/oid-info.md). Extensions are keyed by the last arc of
// 1.3.6.1.4.1.57264.1.N; .1/.8 (issuer) are written by the CA from cert.issuer. Values here are the plain strings:
// .2–.6 are written raw (no DER), .9 and up as UTF8String, as Fulcio does. Empty values are left out (Fulcio's Render).
//
// Which mapping applies is chosen by the claims (the registration carries no provider type):
//  - `job_workflow_ref` → GitHub Actions. Base URL: the `url` claim (Fulcio's template variable), else `server_url`
//    (oid-info.md's name for it), else https://github.com. SAN URI <base>/<job_workflow_ref>.
//  - `ci_config_ref_uri` → GitLab CI. SAN URI https://<ci_config_ref_uri>. Base URL: the `url` claim, else the issuer
//    (Fulcio defaults to https://gitlab.com, which equals the issuer for gitlab.com and is wrong for self-hosted GitLab).
//  - otherwise generic, as Fulcio's email and uri issuer types:
//    `email` (needs `email_verified: true`, else refused: sigstore clients would sign the email and Fulcio refuses
//    unverified ones) → email SAN, proof subject = email; else `sub` as URI SAN when it is an absolute URI on the
//    issuer's own scheme and host (Fulcio's uri type checks sub against the issuer's subject-domain; here that domain is
//    the issuer's origin, so an issuer cannot claim another site's URIs); else `<issuer>#<sub>` (Fulcio's username
//    type would write an otherName SAN, which cairn's certificates do not carry).
// Every identity gets .24 Token Subject = `sub`; GitHub/GitLab get .23 Deployment Environment when `environment` is set.
import { CairnError } from "../errors.ts";
import type { CertIdentity } from "../trust/identity.ts";

export interface CiCertIdentity {
  cert: CertIdentity;
  /** What the proof of possession signs: the email for email identities, else `sub` (Fulcio's principal name). */
  proofSubject: string;
}

type Claims = Record<string, unknown>;

export function ciCertIdentity(issuer: string, claims: Claims): CiCertIdentity {
  const sub = claim(claims, "sub", "identity token");
  if (sub === "") throw new CairnError("CREDENTIAL_INVALID", "the identity token's sub claim is empty");
  if (claims.job_workflow_ref !== undefined) return { cert: github(issuer, claims, sub), proofSubject: sub };
  if (claims.ci_config_ref_uri !== undefined) return { cert: gitlab(issuer, claims, sub), proofSubject: sub };
  return generic(issuer, claims, sub);
}

function github(issuer: string, c: Claims, sub: string): CertIdentity {
  const get = (name: string) => claim(c, name, "GitHub Actions identity token");
  const base = trimSlash(optional(c, "url") ?? optional(c, "server_url") ?? "https://github.com");
  const jobWorkflowRef = nonEmpty(get("job_workflow_ref"), "job_workflow_ref", "GitHub Actions");
  const repository = get("repository");
  const sha = get("sha");
  const ref = get("ref");
  const eventName = get("event_name");
  const san = uriSan(`${base}/${jobWorkflowRef}`, "job_workflow_ref");
  return {
    san: { type: "uri", value: san },
    issuer,
    extensions: compact({
      2: eventName,
      3: sha,
      4: get("workflow"),
      5: repository,
      6: ref,
      9: san,
      10: get("job_workflow_sha"),
      11: get("runner_environment"),
      12: `${base}/${repository}`,
      13: sha,
      14: ref,
      15: get("repository_id"),
      16: `${base}/${get("repository_owner")}`,
      17: get("repository_owner_id"),
      18: `${base}/${get("workflow_ref")}`,
      19: get("workflow_sha"),
      20: eventName,
      21: `${base}/${repository}/actions/runs/${get("run_id")}/attempts/${get("run_attempt")}`,
      22: get("repository_visibility"),
      23: optional(c, "environment"),
      24: sub,
    }),
  };
}

function gitlab(issuer: string, c: Claims, sub: string): CertIdentity {
  const get = (name: string) => claim(c, name, "GitLab CI identity token");
  const base = trimSlash(optional(c, "url") ?? issuer);
  const configUri = uriSan(`https://${nonEmpty(get("ci_config_ref_uri"), "ci_config_ref_uri", "GitLab CI")}`, "ci_config_ref_uri");
  const configSha = get("ci_config_sha");
  const projectPath = get("project_path");
  const refType = get("ref_type");
  return {
    san: { type: "uri", value: configUri },
    issuer,
    extensions: compact({
      9: configUri,
      10: configSha,
      11: get("runner_environment"),
      12: `${base}/${projectPath}`,
      13: get("sha"),
      14: `refs/${refType === "branch" ? "heads" : "tags"}/${get("ref")}`,
      15: get("project_id"),
      16: `${base}/${get("namespace_path")}`,
      17: get("namespace_id"),
      18: configUri,
      19: configSha,
      20: get("pipeline_source"),
      21: `${base}/${projectPath}/-/jobs/${get("job_id")}`,
      22: get("project_visibility"),
      23: optional(c, "environment"),
      24: sub,
    }),
  };
}

function generic(issuer: string, c: Claims, sub: string): CiCertIdentity {
  const extensions = { 24: sub };
  if (c.email !== undefined) {
    const email = claim(c, "email", "identity token");
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new CairnError("CREDENTIAL_INVALID", `the identity token's email claim ${JSON.stringify(email)} is not an email address`);
    if (c.email_verified !== true) {
      throw new CairnError("CREDENTIAL_INVALID", `the identity token's email ${email} is not verified (email_verified is not true)`, {
        hint: "the identity provider must verify the address; sigstore clients refuse such tokens too",
      });
    }
    return { cert: { san: { type: "email", value: email }, issuer, extensions }, proofSubject: email };
  }
  const value = sameOrigin(sub, issuer) ? sub : `${issuer}#${fragment(sub)}`;
  return { cert: { san: { type: "uri", value }, issuer, extensions }, proofSubject: sub };
}

/** A claim as Fulcio reads it (strings; numbers and booleans as their text). Missing: CREDENTIAL_INVALID naming it. */
function claim(c: Claims, name: string, what: string): string {
  const v = optional(c, name);
  if (v === undefined) throw new CairnError("CREDENTIAL_INVALID", `the ${what} has no ${name} claim`, { hint: "Fulcio needs it to build the certificate's identity" });
  return v;
}

function optional(c: Claims, name: string): string | undefined {
  const v = c[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new CairnError("CREDENTIAL_INVALID", `the identity token's ${name} claim is not a string`);
}

function nonEmpty(v: string, name: string, provider: string): string {
  if (v === "") throw new CairnError("CREDENTIAL_INVALID", `the ${provider} identity token's ${name} claim is empty`);
  return v;
}

function uriSan(value: string, from: string): string {
  if (!URL.canParse(value) || /\s/.test(value)) throw new CairnError("CREDENTIAL_INVALID", `the ${from} claim does not make a valid URI (${JSON.stringify(value)})`);
  return value;
}

function sameOrigin(sub: string, issuer: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(sub) || /\s/.test(sub) || !URL.canParse(sub) || !URL.canParse(issuer)) return false;
  const a = new URL(sub);
  const b = new URL(issuer);
  return a.protocol === b.protocol && a.host === b.host;
}

/** Percent-encodes what a URI fragment may not hold (RFC 3986 §3.5), keeping ":", "@", "/", "?" and sub-delims readable. */
function fragment(s: string): string {
  return encodeURIComponent(s).replace(/%(3A|40|2F|3F|24|26|2B|2C|3B|3D)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const trimSlash = (s: string) => s.replace(/\/+$/, "");

function compact(ext: Record<number, string | undefined>): Partial<Record<number, string>> {
  const out: Partial<Record<number, string>> = {};
  for (const [k, v] of Object.entries(ext)) if (v !== undefined && v !== "") out[Number(k)] = v;
  return out;
}
