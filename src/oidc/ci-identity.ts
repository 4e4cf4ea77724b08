// The certificate identity Fulcio derives from a CI provider's OIDC token (Fulcio's config/identity/config.yaml
// templates and docs/oid-info.md), so identity policies written for public Sigstore apply to certificates cairn
// issues for the same CI jobs. Extensions are keyed by the last arc of 1.3.6.1.4.1.57264.1.N; .1/.8 (issuer) are
// written by the CA from `cert.issuer`.
import { CairnError } from "../errors.ts";
import type { CertIdentity } from "../trust/identity.ts";

const GITHUB = "https://token.actions.githubusercontent.com";

export function ciCertIdentity(issuer: string, claims: Record<string, unknown>): { cert: CertIdentity; proofSubject: string } {
  const sub = str(claims, "sub");
  if (issuer === GITHUB || typeof claims.job_workflow_ref === "string") return { cert: github(issuer, claims, sub), proofSubject: sub };
  if (typeof claims.ci_config_ref_uri === "string") return { cert: gitlab(issuer, claims, sub), proofSubject: sub };
  return generic(issuer, claims, sub);
}

function str(claims: Record<string, unknown>, name: string): string {
  const v = claims[name];
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number") return String(v);
  throw new CairnError("CREDENTIAL_INVALID", `the OIDC identity token has no ${name} claim, which its certificate identity needs`, { hint: "use the CI provider's own ID token, unmodified" });
}

const opt = (claims: Record<string, unknown>, name: string): string | undefined => (typeof claims[name] === "string" || typeof claims[name] === "number" ? String(claims[name]) : undefined);

function github(issuer: string, c: Record<string, unknown>, sub: string): CertIdentity {
  const url = (opt(c, "server_url") ?? "https://github.com").replace(/\/+$/, "");
  const repo = str(c, "repository");
  const e: Partial<Record<number, string>> = {
    9: `${url}/${str(c, "job_workflow_ref")}`,
    10: str(c, "job_workflow_sha"),
    11: str(c, "runner_environment"),
    12: `${url}/${repo}`,
    13: str(c, "sha"),
    14: str(c, "ref"),
    15: str(c, "repository_id"),
    16: `${url}/${str(c, "repository_owner")}`,
    17: str(c, "repository_owner_id"),
    18: `${url}/${str(c, "workflow_ref")}`,
    19: str(c, "workflow_sha"),
    20: str(c, "event_name"),
    21: `${url}/${repo}/actions/runs/${str(c, "run_id")}/attempts/${str(c, "run_attempt")}`,
    22: str(c, "repository_visibility"),
    24: sub,
  };
  const env = opt(c, "environment");
  if (env) e[23] = env;
  return { san: { type: "uri", value: e[9]! }, issuer, extensions: e };
}

function gitlab(issuer: string, c: Record<string, unknown>, sub: string): CertIdentity {
  const host = new URL(issuer).host;
  const url = `https://${host}`;
  const project = str(c, "project_path");
  const refType = opt(c, "ref_type") === "tag" ? "tags" : "heads";
  const e: Partial<Record<number, string>> = {
    9: `https://${str(c, "ci_config_ref_uri")}`,
    10: str(c, "ci_config_sha"),
    11: str(c, "runner_environment"),
    12: `${url}/${project}`,
    13: str(c, "sha"),
    14: `refs/${refType}/${str(c, "ref")}`,
    15: str(c, "project_id"),
    16: `${url}/${str(c, "namespace_path")}`,
    17: str(c, "namespace_id"),
    18: `https://${str(c, "ci_config_ref_uri")}`,
    19: str(c, "ci_config_sha"),
    20: str(c, "pipeline_source"),
    21: `${url}/${project}/-/jobs/${str(c, "job_id")}`,
    24: sub,
  };
  const visibility = opt(c, "project_visibility");
  if (visibility) e[22] = visibility;
  const env = opt(c, "environment");
  if (env) e[23] = env;
  return { san: { type: "uri", value: e[9]! }, issuer, extensions: e };
}

/**
 * Any other issuer, as Fulcio's email and URI issuer types do: a verified `email` claim gives an email SAN (the proof
 * of possession then signs the email); otherwise `sub` must be an absolute URI on the issuer's own host.
 */
function generic(issuer: string, c: Record<string, unknown>, sub: string): { cert: CertIdentity; proofSubject: string } {
  const email = opt(c, "email");
  if (email) {
    if (c.email_verified !== true) throw new CairnError("CREDENTIAL_INVALID", `the OIDC identity token's email ${email} is not verified (email_verified is not true)`);
    return { cert: { san: { type: "email", value: email }, issuer, extensions: { 24: sub } }, proofSubject: email };
  }
  let u: URL | undefined;
  try {
    u = new URL(sub);
  } catch {
    u = undefined;
  }
  if (!u || u.host !== new URL(issuer).host || !/^https?:$/.test(u.protocol)) {
    throw new CairnError("CREDENTIAL_INVALID", `the OIDC identity token's sub ${JSON.stringify(sub.slice(0, 200))} is neither a GitHub/GitLab CI identity, a verified email, nor a URI on ${new URL(issuer).host}`, {
      hint: "Fulcio derives a certificate identity only from those; register a GitHub Actions or GitLab issuer, or one whose subjects are URIs",
    });
  }
  return { cert: { san: { type: "uri", value: sub }, issuer, extensions: { 24: sub } }, proofSubject: sub };
}
