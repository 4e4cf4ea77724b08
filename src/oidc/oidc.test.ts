import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { CairnError } from "../errors.ts";
import { ciCertIdentity } from "./ci-identity.ts";
import { jwksDocument, openidConfiguration } from "./discovery.ts";
import { addExternalIssuer, listExternalIssuers, removeExternalIssuer } from "./issuers.ts";
import { loadOrCreateOidcKey, signingKeyPath } from "./signing-key.ts";
import { mintIdentityToken } from "./tokens.ts";
import { verifyIdentityToken } from "./verify.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-oidc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ISS = "https://cairn.test";
const NOW = new Date("2026-12-03T10:00:00Z");
const home = (n: string) => join(dir, n);

async function refusal(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(CairnError);
  expect((e as CairnError).code).toBe("CREDENTIAL_INVALID");
  expect((e as CairnError).message).toMatch(pattern);
}

describe("signing key", () => {
  test("created once (0600), reloaded with the same kid; a damaged file is named", async () => {
    const a = await loadOrCreateOidcKey(home("k"));
    const b = await loadOrCreateOidcKey(home("k"));
    expect(b.kid).toBe(a.kid);
    expect(statSync(signingKeyPath(home("k"))).mode & 0o777).toBe(0o600);
    expect(jwksDocument(a).keys[0]).toMatchObject({ kty: "EC", crv: "P-256", kid: a.kid, alg: "ES256", use: "sig" });
    expect(JSON.stringify(jwksDocument(a))).not.toContain('"d"');
    writeFileSync(signingKeyPath(home("k")), "junk");
    const e = await loadOrCreateOidcKey(home("k")).catch((x: unknown) => x);
    expect((e as CairnError).code).toBe("STORE_INVALID");
    expect((e as CairnError).message).toContain("signing.key");
  });
});

describe("cairn's own tokens", () => {
  test("mint → verify: claims, kid, registered claims not overridable; discovery names the issuer exactly", async () => {
    const key = await loadOrCreateOidcKey(home("own"));
    const { token, expiresAt } = await mintIdentityToken(key, { issuer: ISS, subject: `${ISS}/orgs/o/workflows/p/w`, audience: "sigstore", claims: { org: "o", sub: "evil", exp: 9e9 }, now: NOW });
    expect(expiresAt.getTime() - NOW.getTime()).toBe(300_000);
    const v = await verifyIdentityToken(token, { own: { issuer: ISS, key }, external: [], now: NOW });
    expect(v).toMatchObject({ kind: "cairn", issuer: ISS, subject: `${ISS}/orgs/o/workflows/p/w` });
    expect(v.claims.org).toBe("o");
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).kid).toBe(key.kid);
    expect(openidConfiguration(ISS)).toMatchObject({ issuer: ISS, jwks_uri: `${ISS}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ["ES256"] });
  });

  test("refusals say why: expired, not yet valid, audience, signature, alg none / HS256, garbage, unknown issuer", async () => {
    const key = await loadOrCreateOidcKey(home("own"));
    const own = { issuer: ISS, key };
    const mint = (o: Partial<Parameters<typeof mintIdentityToken>[1]> = {}) => mintIdentityToken(key, { issuer: ISS, subject: "s", audience: "sigstore", claims: {}, now: NOW, ...o }).then((t) => t.token);
    await refusal(verifyIdentityToken(await mint({ now: new Date(NOW.getTime() - 3600_000) }), { own, external: [], now: NOW }), /expired at 2026-12-03T09:05:00/);
    await refusal(verifyIdentityToken(await mint({ now: new Date(NOW.getTime() + 3600_000) }), { own, external: [], now: NOW }), /not valid yet/);
    await refusal(verifyIdentityToken(await mint({ audience: "other" }), { own, external: [], now: NOW }), /audience "other", not "sigstore"/);
    const t = await mint();
    const tampered = `${t.split(".")[0]}.${Buffer.from(JSON.stringify({ iss: ISS, sub: "x", aud: "sigstore", exp: 9e9 })).toString("base64url")}.${t.split(".")[2]}`;
    await refusal(verifyIdentityToken(tampered, { own, external: [], now: NOW }), /does not verify with this server's key/);
    const none = new UnsecuredJWT({ sub: "x" }).setIssuer(ISS).setAudience("sigstore").setExpirationTime("5m").encode();
    await refusal(verifyIdentityToken(none, { own, external: [], now: NOW }), /"none", which is not accepted/);
    const hs = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setIssuer(ISS).setSubject("x").setAudience("sigstore").setExpirationTime("5m").sign(new Uint8Array(32));
    await refusal(verifyIdentityToken(hs, { own, external: [], now: NOW }), /"HS256"/);
    await refusal(verifyIdentityToken("garbage", { own, external: [], now: NOW }), /is not a JWT/);
    const other = await mintIdentityToken(key, { issuer: "https://elsewhere.test", subject: "s", audience: "sigstore", claims: {}, now: NOW });
    await refusal(verifyIdentityToken(other.token, { own, external: [], now: NOW }), /https:\/\/elsewhere.test, which this server does not trust/);
  });
});

describe("registered CI issuers", () => {
  test("add / list / remove; refusals: private JWKS, bad JSON, duplicate, not https; a registered issuer's token verifies", async () => {
    const h = home("ci");
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    writeFileSync(join(dir, "jwks.json"), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1" }] }));
    writeFileSync(join(dir, "private.json"), JSON.stringify({ keys: [await exportJWK(privateKey)] }));
    writeFileSync(join(dir, "bad.json"), "{");
    const gh = "https://token.actions.githubusercontent.com";
    const added = await addExternalIssuer(h, dir, { issuer: gh, jwksFile: "jwks.json", audience: "sigstore", org: "acme" }, NOW);
    expect(listExternalIssuers(h)).toEqual([added]);
    const usage = async (p: Promise<unknown>, code: string, m: RegExp) => {
      const e = (await p.catch((x: unknown) => x)) as CairnError;
      expect(e.code as string).toBe(code);
      expect(e.message).toMatch(m);
    };
    await usage(addExternalIssuer(h, dir, { issuer: gh, jwksFile: "jwks.json", audience: "sigstore" }, NOW), "ALREADY_EXISTS", /already registered/);
    await usage(addExternalIssuer(h, dir, { issuer: "https://x.test", jwksFile: "private.json", audience: "a" }, NOW), "USAGE", /private key material/);
    await usage(addExternalIssuer(h, dir, { issuer: "https://x.test", jwksFile: "bad.json", audience: "a" }, NOW), "USAGE", /bad.json is not JSON/);
    await usage(addExternalIssuer(h, dir, { issuer: "http://x.test", jwksFile: "jwks.json", audience: "a" }, NOW), "USAGE", /not an https URL/);

    const key = await loadOrCreateOidcKey(h);
    const jwt = await new SignJWT({ repository: "acme/app" }).setProtectedHeader({ alg: "RS256", kid: "k1" }).setIssuer(gh).setSubject("repo:acme/app:ref:refs/heads/main").setAudience("sigstore").setIssuedAt(Math.floor(NOW.getTime() / 1000)).setExpirationTime(Math.floor(NOW.getTime() / 1000) + 300).sign(privateKey);
    const v = await verifyIdentityToken(jwt, { own: { issuer: ISS, key }, external: listExternalIssuers(h), now: NOW });
    expect(v.kind).toBe("external");
    expect(v.kind === "external" && v.registration.org).toBe("acme");
    const wrongAud = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "k1" }).setIssuer(gh).setSubject("s").setAudience("other").setExpirationTime(Math.floor(NOW.getTime() / 1000) + 300).sign(privateKey);
    await refusal(verifyIdentityToken(wrongAud, { own: { issuer: ISS, key }, external: listExternalIssuers(h), now: NOW }), /audience "other"/);
    removeExternalIssuer(h, gh);
    expect(listExternalIssuers(h)).toEqual([]);
    expect(() => removeExternalIssuer(h, gh)).toThrow(/not registered/);
    expect(readFileSync(join(h, "oidc", "issuers.json"), "utf8")).toContain('"version": 1');
  });
});

describe("certificate identity of CI tokens (Fulcio's templates)", () => {
  test("GitHub Actions: SAN from job_workflow_ref and the build/source extensions", () => {
    const claims = {
      sub: "repo:acme/app:ref:refs/heads/main", job_workflow_ref: "acme/app/.github/workflows/rel.yml@refs/heads/main", job_workflow_sha: "b1", runner_environment: "github-hosted",
      repository: "acme/app", repository_id: "11", repository_owner: "acme", repository_owner_id: "22", repository_visibility: "public", sha: "a1", ref: "refs/heads/main",
      workflow_ref: "acme/app/.github/workflows/rel.yml@refs/heads/main", workflow_sha: "b1", event_name: "push", run_id: "7", run_attempt: "2",
    };
    const { cert, proofSubject } = ciCertIdentity("https://token.actions.githubusercontent.com", claims);
    expect(proofSubject).toBe(claims.sub);
    expect(cert.san).toEqual({ type: "uri", value: "https://github.com/acme/app/.github/workflows/rel.yml@refs/heads/main" });
    expect(cert.extensions).toMatchObject({ 9: cert.san.value, 12: "https://github.com/acme/app", 13: "a1", 14: "refs/heads/main", 15: "11", 16: "https://github.com/acme", 20: "push", 21: "https://github.com/acme/app/actions/runs/7/attempts/2", 22: "public", 24: claims.sub });
    const { job_workflow_sha: _drop, ...missing } = claims;
    expect(() => ciCertIdentity("https://token.actions.githubusercontent.com", missing)).toThrow(/job_workflow_sha/);
  });

  test("GitLab CI: SAN from ci_config_ref_uri; generic issuers: verified email, or a URI sub on the issuer's host", () => {
    const claims = {
      sub: "project_path:g/app:ref_type:branch:ref:main", ci_config_ref_uri: "gitlab.example.com/g/app//.gitlab-ci.yml@refs/heads/main", ci_config_sha: "c1", runner_environment: "gitlab-hosted",
      project_path: "g/app", sha: "s1", ref: "main", ref_type: "branch", project_id: "5", namespace_path: "g", namespace_id: "6", pipeline_source: "push", job_id: "99",
    };
    const { cert } = ciCertIdentity("https://gitlab.example.com", claims);
    expect(cert.san.value).toBe("https://gitlab.example.com/g/app//.gitlab-ci.yml@refs/heads/main");
    expect(cert.extensions).toMatchObject({ 12: "https://gitlab.example.com/g/app", 14: "refs/heads/main", 21: "https://gitlab.example.com/g/app/-/jobs/99" });
    expect(ciCertIdentity("https://idp.test", { sub: "u1", email: "a@b.test", email_verified: true })).toEqual({ cert: { san: { type: "email", value: "a@b.test" }, issuer: "https://idp.test", extensions: { 24: "u1" } }, proofSubject: "a@b.test" });
    expect(() => ciCertIdentity("https://idp.test", { sub: "u1", email: "a@b.test" })).toThrow(/not verified/);
    expect(ciCertIdentity("https://idp.test", { sub: "https://idp.test/svc/1" }).cert.san.value).toBe("https://idp.test/svc/1");
    expect(() => ciCertIdentity("https://idp.test", { sub: "https://other.test/x" })).toThrow(/neither/);
  });
});
