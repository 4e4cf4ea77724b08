import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { expectCode } from "../test-helpers.ts";
import { checkIssuerInput, fromIssuerRecord, issuerRecord, issuersPath, issuerView, readLegacyIssuersFile, type AddIssuerInput, type ExternalIssuer } from "./issuers.ts";
import { loadOrCreateOidcKey, type OidcKey } from "./signing-key.ts";
import { verifyIdentityToken } from "./verify.ts";

const GH = "https://token.actions.githubusercontent.com";
const NOW = new Date("2030-01-02T03:04:05.000Z");
const T = NOW.getTime() / 1000;
const dir = mkdtempSync(join(tmpdir(), "cairn-oidc-issuers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newHome = () => join(dir, `h${n++}`);
/** A registration as `ca oidc add` makes it (the store is the service's business: services/oidc-issuers.test.ts). */
const register = async (input: AddIssuerInput): Promise<ExternalIssuer> => ({ ...(await checkIssuerInput(dir, input)), addedAt: NOW.toISOString() });
const file = (name: string, content: unknown) => {
  writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  return name;
};

let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let own: OidcKey;
beforeAll(async () => {
  rsa = await generateKeyPair("RS256", { extractable: true });
  own = await loadOrCreateOidcKey(join(dir, "own"));
  file("gh.jwks", { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: "gh-1", alg: "RS256", use: "sig" }] });
});

describe("what `ca oidc add` checks, and a registration as stored", () => {
  test("a checked registration: the JWKS read relative to cwd, the file named absolutely; the stored record maps back to it", async () => {
    const r = await register({ issuer: GH, jwksFile: "gh.jwks", audience: "sigstore", org: "acme" });
    expect(r).toMatchObject({ issuer: GH, audience: "sigstore", org: "acme", jwksFile: join(dir, "gh.jwks"), addedAt: NOW.toISOString() });
    expect(r.jwks.keys[0]).toMatchObject({ kty: "RSA", kid: "gh-1" });
    expect(issuerView(r)).toEqual({ issuer: GH, audience: "sigstore", org: "acme", keys: ["gh-1"], jwksFile: join(dir, "gh.jwks"), addedAt: NOW.toISOString() });
    const noOrg = await register({ issuer: "https://gitlab.com", jwksFile: "gh.jwks", audience: "cairn" });
    expect(issuerRecord(noOrg).org).toBeNull();
    for (const x of [r, noOrg]) expect(fromIssuerRecord(issuerRecord(x))).toEqual(x);
    const e = await expectCode(() => fromIssuerRecord({ ...issuerRecord(r), jwks: "{" }), "STORE_INVALID");
    expect(e.message).toBe(`the JWKS stored for OIDC issuer ${GH} is damaged`);
    await expectCode(() => fromIssuerRecord({ ...issuerRecord(r), jwks: "null" }), "STORE_INVALID");
  });

  test("refusals: bad URL, audience and org, a missing JWKS file", async () => {
    for (const issuer of ["http://ci.example", "not a url", "https://u:p@ci.example", "https://ci.example/?a=1", "https://ci.example/#x"]) {
      await expectCode(() => register({ issuer, jwksFile: "gh.jwks", audience: "sigstore" }), "USAGE");
    }
    await expectCode(() => register({ issuer: "https://a.example", jwksFile: "gh.jwks", audience: " " }), "USAGE");
    await expectCode(() => register({ issuer: "https://a.example", jwksFile: "gh.jwks", audience: "x", org: "Not Valid" }), "USAGE");
    await expectCode(() => register({ issuer: "https://a.example", jwksFile: "missing.jwks", audience: "x" }), "NOT_FOUND");
  });

  test("JWKS refusals: bad JSON, no keys, private or symmetric keys, unimportable keys", async () => {
    const add = (jwksFile: string) => register({ issuer: "https://ci.example", jwksFile, audience: "sigstore" });
    expect((await expectCode(() => add(file("bad.json", "{not json")), "USAGE")).message).toBe("bad.json is not valid JSON");
    expect((await expectCode(() => add(file("nokeys.json", { foo: 1 })), "USAGE")).message).toContain('has no "keys" array');
    expect((await expectCode(() => add(file("empty.json", { keys: [] })), "USAGE")).message).toContain('"keys" is empty');
    const priv = { ...(await exportJWK(rsa.privateKey)), kid: "leak" };
    const e = await expectCode(() => add(file("priv.json", { keys: [priv] })), "USAGE");
    expect(e.message).toContain("key 0 (kid leak) contains private key material (d, p, q, dp, dq, qi)");
    expect((await expectCode(() => add(file("oct.json", { keys: [{ kty: "oct", k: "c2VjcmV0" }] })), "USAGE")).message).toContain("symmetric (oct) key");
    const bogus = { kty: "EC", crv: "P-256", x: "AAAA", y: "AAAA" };
    expect((await expectCode(() => add(file("bogus.json", { keys: [bogus] })), "USAGE")).message).toContain("cannot be imported as an ES256 public key");
    const hs = { ...(await exportJWK(rsa.publicKey)), alg: "HS256" };
    expect((await expectCode(() => add(file("hs.json", { keys: [hs] })), "USAGE")).message).toContain('alg "HS256"');
    const enc = { ...(await exportJWK(rsa.publicKey)), use: "enc" };
    expect((await expectCode(() => add(file("enc.json", { keys: [enc] })), "USAGE")).message).toContain('use "enc"');
  });

  test("the legacy <home>/oidc/issuers.json: none is undefined; a damaged or newer one is STORE_INVALID naming the file", async () => {
    const home = newHome();
    expect(readLegacyIssuersFile(issuersPath(home))).toBeUndefined();
    mkdirSync(join(home, "oidc"), { recursive: true });
    const r = await register({ issuer: GH, jwksFile: "gh.jwks", audience: "sigstore" });
    writeFileSync(issuersPath(home), JSON.stringify({ version: 1, issuers: [r] }));
    expect(readLegacyIssuersFile(issuersPath(home))).toEqual([r]);
    writeFileSync(issuersPath(home), "{");
    const e = await expectCode(() => readLegacyIssuersFile(issuersPath(home)), "STORE_INVALID");
    expect(e.message).toContain(issuersPath(home));
    writeFileSync(issuersPath(home), JSON.stringify({ version: 1, issuers: [{ issuer: GH }] }));
    expect((await expectCode(() => readLegacyIssuersFile(issuersPath(home)), "STORE_INVALID")).message).toContain("issuer entry 0 lacks issuer, audience or jwks.keys");
    writeFileSync(issuersPath(home), JSON.stringify({ version: 2, issuers: [] }));
    expect((await expectCode(() => readLegacyIssuersFile(issuersPath(home)), "STORE_INVALID")).message).toContain("newer cairn");
  });
});

describe("verifying an external issuer's tokens with the registered JWKS", () => {
  const sign = (payload: Record<string, unknown>, kid = "gh-1", key: CryptoKey = rsa.privateKey) =>
    new SignJWT({ iss: GH, sub: "repo:acme/app:ref:refs/heads/main", aud: "sigstore", iat: T, nbf: T, exp: T + 300, ...payload })
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .sign(key);

  test("accepted with the registered audience; refused for others, other keys and unregistered issuers", async () => {
    const reg = await register({ issuer: GH, jwksFile: "gh.jwks", audience: "sigstore", org: "acme" });
    const opts = { own: { issuer: "https://cairn.example", key: own }, external: [fromIssuerRecord(issuerRecord(reg))], now: NOW, audience: "cairn-own" };
    const v = await verifyIdentityToken(await sign({ repository: "acme/app" }), opts);
    expect(v).toMatchObject({ kind: "external", issuer: GH, subject: "repo:acme/app:ref:refs/heads/main", claims: { repository: "acme/app" } });
    if (v.kind === "external") expect(v.registration).toEqual(reg);

    const wrongAud = await expectCode(async () => verifyIdentityToken(await sign({ aud: "cairn-own" }), opts), "CREDENTIAL_INVALID");
    expect(wrongAud.message).toContain('audience "cairn-own", not "sigstore"');
    const other = await generateKeyPair("RS256");
    const forged = await expectCode(async () => verifyIdentityToken(await sign({}, "gh-1", other.privateKey), opts), "CREDENTIAL_INVALID");
    expect(forged.message).toContain(`signature does not verify with the JWKS of issuer ${GH}`);
    const unknownKid = await expectCode(async () => verifyIdentityToken(await sign({}, "gh-2", other.privateKey), opts), "CREDENTIAL_INVALID");
    expect(unknownKid.message).toContain("does not hold");
    const expired = await expectCode(async () => verifyIdentityToken(await sign({ exp: T - 120 }), opts), "CREDENTIAL_INVALID");
    expect(expired.message).toContain(`expired at ${new Date((T - 120) * 1000).toISOString()}`);
    const unreg = await expectCode(async () => verifyIdentityToken(await sign({}), { ...opts, external: [] }), "CREDENTIAL_INVALID");
    expect(unreg.hint).toBe(`an admin registers it with \`cairn ca oidc add --issuer ${GH} --jwks FILE --audience A\``);
    const slash = await expectCode(async () => verifyIdentityToken(await sign({ iss: `${GH}/` }), opts), "CREDENTIAL_INVALID");
    expect(slash.hint).toContain(`it is registered as ${GH}`);
  });

  test("a JWKS of several keys without kid: each is tried, as go-oidc does", async () => {
    const a = await generateKeyPair("ES256", { extractable: true });
    const b = await generateKeyPair("ES256", { extractable: true });
    file("two.jwks", { keys: [await exportJWK(a.publicKey), await exportJWK(b.publicKey)] });
    const opts = { own: { issuer: "https://cairn.example", key: own }, external: [await register({ issuer: "https://ci.example", jwksFile: "two.jwks", audience: "sigstore" })], now: NOW };
    const tok = (k: CryptoKey) =>
      new SignJWT({ iss: "https://ci.example", sub: "job-1", aud: "sigstore", iat: T, exp: T + 60 }).setProtectedHeader({ alg: "ES256" }).sign(k);
    expect((await verifyIdentityToken(await tok(b.privateKey), opts)).subject).toBe("job-1");
    expect((await verifyIdentityToken(await tok(a.privateKey), opts)).subject).toBe("job-1");
    const c = await generateKeyPair("ES256");
    const e = await expectCode(async () => verifyIdentityToken(await tok(c.privateKey), opts), "CREDENTIAL_INVALID");
    expect(e.message).toContain("signature does not verify");
  });
});
