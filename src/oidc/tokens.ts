// Identity tokens of cairn's own OIDC issuer: compact ES256 JWS (what Fulcio, sigstore-js and sigstore-go parse),
// short-lived, naming one workflow identity as `sub`.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { OidcKey } from "./signing-key.ts";

export interface MintOptions {
  issuer: string;
  subject: string;
  audience: string;
  /** Extra claims; the registered ones (iss, sub, aud, iat, nbf, exp, jti) cannot be overridden. */
  claims: Record<string, unknown>;
  now: Date;
  ttlSeconds?: number;
}

export async function mintIdentityToken(key: OidcKey, o: MintOptions): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(o.now.getTime() / 1000);
  const exp = iat + (o.ttlSeconds ?? 300);
  const { iss: _i, sub: _s, aud: _a, iat: _t, nbf: _n, exp: _e, jti: _j, ...claims } = o.claims;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .setIssuer(o.issuer)
    .setSubject(o.subject)
    .setAudience(o.audience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { token, expiresAt: new Date(exp * 1000) };
}
