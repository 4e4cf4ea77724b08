import { describe, expect, test } from "bun:test";
import { expectCode } from "../test-helpers.ts";
import { ciCertIdentity } from "./ci-identity.ts";

const GH = "https://token.actions.githubusercontent.com";
const github = {
  sub: "repo:acme/app:ref:refs/heads/main",
  ref: "refs/heads/main",
  sha: "a1b2c3",
  repository: "acme/app",
  repository_id: "101",
  repository_owner: "acme",
  repository_owner_id: "7",
  repository_visibility: "private",
  run_id: "4242",
  run_attempt: "2",
  runner_environment: "github-hosted",
  workflow: "release",
  workflow_ref: "acme/app/.github/workflows/release.yml@refs/heads/main",
  workflow_sha: "a1b2c3",
  job_workflow_ref: "acme/shared/.github/workflows/build.yml@refs/tags/v1",
  job_workflow_sha: "d4e5f6",
  event_name: "push",
};

describe("GitHub Actions tokens (Fulcio's github-workflow mapping)", () => {
  test("SAN and extensions 2-6, 9-22, 24", () => {
    const { cert, proofSubject } = ciCertIdentity(GH, github);
    expect(proofSubject).toBe(github.sub);
    expect(cert.san).toEqual({ type: "uri", value: "https://github.com/acme/shared/.github/workflows/build.yml@refs/tags/v1" });
    expect(cert.issuer).toBe(GH);
    expect(cert.extensions).toEqual({
      2: "push",
      3: "a1b2c3",
      4: "release",
      5: "acme/app",
      6: "refs/heads/main",
      9: "https://github.com/acme/shared/.github/workflows/build.yml@refs/tags/v1",
      10: "d4e5f6",
      11: "github-hosted",
      12: "https://github.com/acme/app",
      13: "a1b2c3",
      14: "refs/heads/main",
      15: "101",
      16: "https://github.com/acme",
      17: "7",
      18: "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main",
      19: "a1b2c3",
      20: "push",
      21: "https://github.com/acme/app/actions/runs/4242/attempts/2",
      22: "private",
      24: github.sub,
    });
  });

  test("server_url and environment", () => {
    const { cert } = ciCertIdentity("https://ghe.example/_services/token", { ...github, server_url: "https://ghe.example/", environment: "production" });
    expect(cert.san.value).toBe("https://ghe.example/acme/shared/.github/workflows/build.yml@refs/tags/v1");
    expect(cert.extensions[12]).toBe("https://ghe.example/acme/app");
    expect(cert.extensions[23]).toBe("production");
  });

  test("a missing claim is CREDENTIAL_INVALID naming it", async () => {
    for (const name of ["repository", "run_attempt", "workflow_sha", "sub"]) {
      const claims: Record<string, unknown> = { ...github };
      delete claims[name];
      const e = await expectCode(() => ciCertIdentity(GH, claims), "CREDENTIAL_INVALID");
      expect(e.message).toContain(`has no ${name} claim`);
    }
    await expectCode(() => ciCertIdentity(GH, { ...github, repository: { name: "x" } }), "CREDENTIAL_INVALID");
  });
});

const gitlab = {
  sub: "project_path:acme/app:ref_type:branch:ref:main",
  namespace_id: "72",
  namespace_path: "acme",
  project_id: "20",
  project_path: "acme/app",
  project_visibility: "internal",
  pipeline_id: "1212",
  pipeline_source: "push",
  job_id: "3434",
  ref: "main",
  ref_type: "branch",
  sha: "0f0f0f",
  runner_environment: "gitlab-hosted",
  ci_config_ref_uri: "gitlab.com/acme/app//.gitlab-ci.yml@refs/heads/main",
  ci_config_sha: "0f0f0f",
};

describe("GitLab CI tokens (Fulcio's gitlab-pipeline mapping)", () => {
  test("SAN and extensions 9-22, 24", () => {
    const { cert, proofSubject } = ciCertIdentity("https://gitlab.com", gitlab);
    expect(proofSubject).toBe(gitlab.sub);
    expect(cert.san).toEqual({ type: "uri", value: "https://gitlab.com/acme/app//.gitlab-ci.yml@refs/heads/main" });
    expect(cert.extensions).toEqual({
      9: "https://gitlab.com/acme/app//.gitlab-ci.yml@refs/heads/main",
      10: "0f0f0f",
      11: "gitlab-hosted",
      12: "https://gitlab.com/acme/app",
      13: "0f0f0f",
      14: "refs/heads/main",
      15: "20",
      16: "https://gitlab.com/acme",
      17: "72",
      18: "https://gitlab.com/acme/app//.gitlab-ci.yml@refs/heads/main",
      19: "0f0f0f",
      20: "push",
      21: "https://gitlab.com/acme/app/-/jobs/3434",
      22: "internal",
      24: gitlab.sub,
    });
  });

  test("tags, a self-hosted instance (URLs from the issuer), numeric claims", () => {
    const { cert } = ciCertIdentity("https://git.example.org", { ...gitlab, ref_type: "tag", ref: "v1.0", project_id: 20, ci_config_ref_uri: "git.example.org/acme/app//.gitlab-ci.yml@refs/tags/v1.0" });
    expect(cert.san.value).toBe("https://git.example.org/acme/app//.gitlab-ci.yml@refs/tags/v1.0");
    expect(cert.extensions[14]).toBe("refs/tags/v1.0");
    expect(cert.extensions[15]).toBe("20");
    expect(cert.extensions[21]).toBe("https://git.example.org/acme/app/-/jobs/3434");
  });

  test("a missing claim is CREDENTIAL_INVALID naming it", async () => {
    const { project_visibility: _, ...claims } = gitlab;
    expect((await expectCode(() => ciCertIdentity("https://gitlab.com", claims), "CREDENTIAL_INVALID")).message).toContain("GitLab CI identity token has no project_visibility claim");
  });
});

describe("other issuers (Fulcio's email and uri types)", () => {
  const ISS = "https://idp.example.com";
  test("a verified email: email SAN, the email is the proof subject", () => {
    const { cert, proofSubject } = ciCertIdentity(ISS, { sub: "u-1", email: "dev@example.com", email_verified: true });
    expect(cert).toEqual({ san: { type: "email", value: "dev@example.com" }, issuer: ISS, extensions: { 24: "u-1" } });
    expect(proofSubject).toBe("dev@example.com");
  });

  test("an unverified or malformed email is refused", async () => {
    expect((await expectCode(() => ciCertIdentity(ISS, { sub: "u-1", email: "dev@example.com", email_verified: false }), "CREDENTIAL_INVALID")).message).toContain("is not verified");
    await expectCode(() => ciCertIdentity(ISS, { sub: "u-1", email: "dev@example.com" }), "CREDENTIAL_INVALID");
    await expectCode(() => ciCertIdentity(ISS, { sub: "u-1", email: "not-an-email", email_verified: true }), "CREDENTIAL_INVALID");
  });

  test("sub as the URI SAN when it is on the issuer's origin, else <issuer>#<sub>", () => {
    const own = ciCertIdentity(ISS, { sub: `${ISS}/orgs/acme/workflows/p/w` });
    expect(own.cert.san).toEqual({ type: "uri", value: `${ISS}/orgs/acme/workflows/p/w` });
    expect(own.proofSubject).toBe(`${ISS}/orgs/acme/workflows/p/w`);
    expect(ciCertIdentity(ISS, { sub: "https://github.com/acme/app" }).cert.san.value).toBe(`${ISS}#https://github.com/acme/app`);
    const plain = ciCertIdentity(ISS, { sub: "system:serviceaccount:ci/builder x" });
    expect(plain.cert.san.value).toBe(`${ISS}#system:serviceaccount:ci/builder%20x`);
    expect(URL.canParse(plain.cert.san.value)).toBe(true);
    expect(plain.proofSubject).toBe("system:serviceaccount:ci/builder x");
  });
});
