// Checking an OIDC ID token offline: cairn's own (its ES256 key) or a registered CI issuer's (its stored JWKS). Only
// asymmetric algorithms; issuer, audience and times checked against the caller's clock; every refusal says why.
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { CairnError } from "../errors.ts";
import type { ExternalIssuer } from "./issuers.ts";
import type { OidcKey } from "./signing-key.ts";

export const ACCEPTED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];
const CLOCK_TOLERANCE_SECONDS = 60;

export type VerifiedToken =
  | { kind: "cairn"; issuer: string; subject: string; claims: JWTPayload }
  | { kind: "external"; issuer: string; subject: string; claims: JWTPayload; registration: ExternalIssuer };

export interface VerifyOptions {
  own: { issuer: string; key: OidcKey };
  external: ExternalIssuer[];
  now: Date;
  /** The audience cairn's own tokens must carry; default `sigstore`. */
  audience?: string;
}

const invalid = (why: string, hint?: string) => new CairnError("CREDENTIAL_INVALID", `the OIDC identity token ${why}`, hint ? { hint } : {});

export async function verifyIdentityToken(jwt: string, o: VerifyOptions): Promise<VerifiedToken> {
  let iss: unknown;
  let alg: unknown;
  try {
    iss = decodeJwt(jwt).iss;
    alg = decodeProtectedHeader(jwt).alg;
  } catch {
    throw invalid("is not a JWT", "send the compact JWS the issuer gave (three base64url parts joined by dots)");
  }
  if (typeof alg !== "string" || !ACCEPTED_ALGORITHMS.includes(alg)) throw invalid(`is signed with ${JSON.stringify(alg)}, which is not accepted`, `only asymmetric signatures: ${ACCEPTED_ALGORITHMS.join(", ")}`);
  if (typeof iss !== "string" || iss === "") throw invalid("has no issuer (iss)");
  if (iss === o.own.issuer) {
    const claims = await check(jwt, () => ownKey(o.own.key), iss, o.audience ?? "sigstore", o.now, "this server's key");
    return { kind: "cairn", issuer: iss, subject: claims.sub!, claims };
  }
  const registration = o.external.find((e) => e.issuer === iss);
  if (!registration) {
    throw invalid(`is from issuer ${iss.slice(0, 200)}, which this server does not trust`, `an admin registers CI issuers with \`cairn ca oidc add --issuer ${iss.slice(0, 200)} --jwks FILE --audience A\``);
  }
  const claims = await check(jwt, () => createLocalJWKSet(registration.jwks), iss, registration.audience, o.now, `the JWKS registered for ${iss}`);
  return { kind: "external", issuer: iss, subject: claims.sub!, claims, registration };
}

function ownKey(key: OidcKey): JWTVerifyGetKey {
  return createLocalJWKSet({ keys: [key.publicJwk] });
}

async function check(jwt: string, keys: () => JWTVerifyGetKey, issuer: string, audience: string, now: Date, keyName: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(jwt, keys(), { issuer, audience, algorithms: ACCEPTED_ALGORITHMS, currentDate: now, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ["sub", "exp"] });
    if (typeof payload.sub !== "string" || payload.sub === "") throw invalid("has no subject (sub)");
    return payload;
  } catch (e) {
    if (e instanceof CairnError) throw e;
    throw explain(e, jwt, audience, keyName);
  }
}

function explain(e: unknown, jwt: string, audience: string, keyName: string): CairnError {
  const p = decodeJwt(jwt);
  if (e instanceof errors.JWTExpired) return invalid(`expired at ${typeof p.exp === "number" ? new Date(p.exp * 1000).toISOString() : "?"}`, "get a fresh token from the issuer");
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "aud") return invalid(`is for audience ${JSON.stringify(p.aud)}, not ${JSON.stringify(audience)}`, `request the token with audience ${audience}`);
    if (e.claim === "nbf" || e.claim === "iat") return invalid(`is not valid yet (${e.claim} is in the future)`, "check the clocks of the issuer and this server");
    return invalid(`has a bad ${e.claim} claim: ${e.reason}`);
  }
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid(`does not verify with ${keyName}`, "a forged or tampered token, or the issuer rotated its keys (register its new JWKS)");
  }
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) return invalid(`uses an algorithm that is not accepted (${(e as Error).message})`);
  return invalid(`is not a valid JWT (${e instanceof Error ? e.message : String(e)})`);
}
