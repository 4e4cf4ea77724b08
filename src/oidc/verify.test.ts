import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from "jose";
import { expectCode } from "../test-helpers.ts";
import { jwksDocument, openidConfiguration } from "./discovery.ts";
import { loadOrCreateOidcKey, type OidcKey } from "./signing-key.ts";
import { mintIdentityToken } from "./tokens.ts";
import { verifyIdentityToken, type VerifyTokenOptions } from "./verify.ts";

const ISS = "https://cairn.example.test";
const NOW = new Date("2030-01-02T03:04:05.000Z");
const home = mkdtempSync(join(tmpdir(), "cairn-oidc-verify-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
let key: OidcKey;
let opts: VerifyTokenOptions;
beforeAll(async () => {
  key = await loadOrCreateOidcKey(home);
  opts = { own: { issuer: ISS, key }, external: [], now: NOW };
});
const mint = (over: Partial<Parameters<typeof mintIdentityToken>[1]> = {}) =>
  mintIdentityToken(key, { issuer: ISS, subject: `${ISS}/orgs/acme/workflows/p/w`, audience: "sigstore", claims: {}, now: NOW, ...over });
const at = (s: number) => new Date(NOW.getTime() + s * 1000);

describe("minting and verifying cairn's own identity tokens", () => {
  test("round trip: header, registered claims, extra claims, expiry", async () => {
    const { token, expiresAt } = await mint({ claims: { org: "acme", workflow: "p/w", sub: "spoofed", iss: "https://evil", exp: 1 } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: key.kid, typ: "JWT" });
    const p = decodeJwt(token);
    const iat = NOW.getTime() / 1000;
    expect(p).toMatchObject({ iss: ISS, sub: `${ISS}/orgs/acme/workflows/p/w`, aud: "sigstore", iat, nbf: iat, exp: iat + 300, org: "acme" });
    expect(p.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(expiresAt).toEqual(at(300));
    const v = await verifyIdentityToken(token, opts);
    expect(v.kind).toBe("cairn");
    expect(v.issuer).toBe(ISS);
    expect(v.subject).toBe(`${ISS}/orgs/acme/workflows/p/w`);
    expect(v.claims).toMatchObject({ org: "acme", workflow: "p/w" });
    expect((await mint()).token).not.toBe(token); // a fresh jti each time
  });

  test("ttlSeconds and a custom audience", async () => {
    const { token, expiresAt } = await mint({ ttlSeconds: 60, audience: "cairn" });
    expect(expiresAt).toEqual(at(60));
    expect((await verifyIdentityToken(token, { ...opts, audience: "cairn" })).kind).toBe("cairn");
    await expectCode(() => mint({ ttlSeconds: 0 }), "USAGE");
  });

  test("discovery and JWKS documents", () => {
    const d = openidConfiguration(ISS, ["org"]);
    expect(d).toMatchObject({ issuer: ISS, jwks_uri: `${ISS}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ["ES256"], response_types_supported: ["id_token"] });
    expect(d.claims_supported).toEqual(expect.arrayContaining(["iss", "sub", "aud", "exp", "iat", "org"]));
    expect(jwksDocument(key)).toEqual({ keys: [key.publicJwk] });
  });
});

describe("refusals (all CREDENTIAL_INVALID, saying why)", () => {
  const refuse = async (token: string, contains: string, o: Partial<VerifyTokenOptions> = {}) => {
    const e = await expectCode(() => verifyIdentityToken(token, { ...opts, ...o }), "CREDENTIAL_INVALID");
    expect(e.message).toContain(contains);
    return e;
  };

  test("expired, beyond the 60 s tolerance (and accepted within it)", async () => {
    const { token } = await mint({ ttlSeconds: 300 });
    expect((await verifyIdentityToken(token, { ...opts, now: at(330) })).kind).toBe("cairn");
    await refuse(token, `expired at ${at(300).toISOString()}`, { now: at(400) });
  });

  test("not yet valid (nbf and iat in the future)", async () => {
    const { token } = await mint({ now: at(600) });
    await refuse(token, `not valid before ${at(600).toISOString()}`);
    const p = { iss: ISS, sub: "s", aud: "sigstore", iat: NOW.getTime() / 1000 + 600, exp: NOW.getTime() / 1000 + 900 };
    const noNbf = await new SignJWT(p).setProtectedHeader({ alg: "ES256", kid: key.kid }).sign(key.privateKey);
    await refuse(noNbf, "issued in the future");
  });

  test("wrong audience", async () => {
    const { token } = await mint({ audience: "other" });
    await refuse(token, 'audience "other", not "sigstore"');
  });

  test("wrong or unregistered issuer, with the command to register it", async () => {
    const { token } = await mint({ issuer: "https://ci.example.test" });
    const e = await refuse(token, "issuer https://ci.example.test is not registered");
    expect(e.hint).toBe("an admin registers it with `cairn ca oidc add --issuer https://ci.example.test --jwks FILE --audience A`");
    const { token: slash } = await mint({ issuer: `${ISS}/` });
    await refuse(slash, `issuer ${ISS}/ is not registered`);
  });

  test("alg none and HS256", async () => {
    const none = new UnsecuredJWT({ iss: ISS, sub: "s", aud: "sigstore" }).setIssuedAt(NOW.getTime() / 1000).setExpirationTime(NOW.getTime() / 1000 + 60).encode();
    await refuse(none, "unsigned (alg none)");
    const hs = await new SignJWT({ iss: ISS, sub: "s", aud: "sigstore", iat: NOW.getTime() / 1000, exp: NOW.getTime() / 1000 + 60 })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("a shared secret of at least 32 bytes!!"));
    await refuse(hs, "uses HS256, a shared-secret algorithm");
  });

  test("tampered payload or signature, another key", async () => {
    const { token } = await mint();
    const [h, p, s] = token.split(".") as [string, string, string];
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: "someone-else" })).toString("base64url");
    await refuse(`${h}.${payload}.${s}`, "signature does not verify");
    const flipped = s.slice(0, 10) + (s[10] === "A" ? "B" : "A") + s.slice(11);
    await refuse(`${h}.${p}.${flipped}`, "signature does not verify");
    const other = await loadOrCreateOidcKey(join(home, "other"));
    const foreign = (await mintIdentityToken(other, { issuer: ISS, subject: "s", audience: "sigstore", claims: {}, now: NOW })).token;
    await refuse(foreign, "does not hold");
  });

  test("garbage", async () => {
    await refuse("", "is not a JWT");
    await refuse("hello", "is not a JWT");
    await refuse("a.b.c", "is not a JWT");
    await refuse(`${Buffer.from('{"alg":"ES256"}').toString("base64url")}.${Buffer.from("[1]").toString("base64url")}.x`, "is not a JWT");
  });

  test("a token without sub or exp", async () => {
    const base = { iss: ISS, aud: "sigstore", iat: NOW.getTime() / 1000 };
    const noSub = await new SignJWT({ ...base, exp: NOW.getTime() / 1000 + 60 }).setProtectedHeader({ alg: "ES256", kid: key.kid }).sign(key.privateKey);
    await refuse(noSub, "has no sub claim");
    const noExp = await new SignJWT({ ...base, sub: "s" }).setProtectedHeader({ alg: "ES256", kid: key.kid }).sign(key.privateKey);
    await refuse(noExp, "has no exp claim");
  });
});
