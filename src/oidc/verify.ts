// Verifies an OIDC identity token: from cairn's own issuer (its signing key) or from a registered external CI issuer
// (the JWKS stored at registration; nothing is fetched). Every refusal is CREDENTIAL_INVALID saying why.
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type CryptoKey, type JWK, type JWTPayload, type JWTVerifyOptions } from "jose";
import { CairnError } from "../errors.ts";
import type { ExternalIssuer } from "./issuers.ts";
import { ASYMMETRIC_ALGS } from "./jwks.ts";
import type { OidcKey } from "./signing-key.ts";

/** Seconds of clock skew allowed on exp, nbf and iat. */
export const CLOCK_TOLERANCE_SECONDS = 60;
export const DEFAULT_OWN_AUDIENCE = "sigstore";

export type VerifiedToken =
  | { kind: "cairn"; issuer: string; subject: string; claims: Record<string, unknown> }
  | { kind: "external"; issuer: string; subject: string; claims: Record<string, unknown>; registration: ExternalIssuer };

export interface VerifyTokenOptions {
  own: { issuer: string; key: OidcKey };
  external: ExternalIssuer[];
  now: Date;
  /** The `aud` cairn's own tokens must carry; default "sigstore". External tokens need their registered audience. */
  audience?: string;
}

const invalid = (message: string, hint?: string) => new CairnError("CREDENTIAL_INVALID", message, hint === undefined ? {} : { hint });

export async function verifyIdentityToken(jwt: string, opts: VerifyTokenOptions): Promise<VerifiedToken> {
  const { header, unverified } = decode(jwt);
  if (typeof unverified.iss !== "string" || unverified.iss === "") throw invalid("the identity token has no issuer (iss claim)");
  const iss = unverified.iss;
  const alg = header.alg;
  if (alg === undefined || alg === "none") throw invalid(`the identity token from ${iss} is unsigned (alg ${alg ?? "missing"}); only signed tokens are accepted`);
  if (/^HS/i.test(alg)) throw invalid(`the identity token from ${iss} uses ${alg}, a shared-secret algorithm; only asymmetric signatures (${ASYMMETRIC_ALGS.join(", ")}) are accepted`);
  if (!(ASYMMETRIC_ALGS as readonly string[]).includes(alg)) throw invalid(`the identity token from ${iss} uses algorithm ${alg}, which is not accepted (${ASYMMETRIC_ALGS.join(", ")})`);

  if (iss === opts.own.issuer) {
    const audience = opts.audience ?? DEFAULT_OWN_AUDIENCE;
    const payload = await check(jwt, iss, [opts.own.key.publicJwk], ["ES256"], audience, opts.now, `cairn's issuer ${iss}`, true);
    return { kind: "cairn", issuer: iss, subject: payload.sub as string, claims: payload };
  }
  const registration = opts.external.find((r) => r.issuer === iss);
  if (!registration) {
    const near = opts.external.find((r) => r.issuer.replace(/\/+$/, "") === iss.replace(/\/+$/, ""));
    throw invalid(
      `the identity token's issuer ${iss} is not registered with this CA`,
      near
        ? `it is registered as ${near.issuer}; issuers must match byte for byte: \`cairn ca oidc remove --issuer ${near.issuer}\` and add ${iss}`
        : `an admin registers it with \`cairn ca oidc add --issuer ${iss} --jwks FILE --audience A\``,
    );
  }
  const payload = await check(jwt, iss, registration.jwks.keys, [...ASYMMETRIC_ALGS], registration.audience, opts.now, `issuer ${iss}`, false);
  return { kind: "external", issuer: iss, subject: payload.sub as string, claims: payload, registration };
}

function decode(jwt: string): { header: { alg?: string; kid?: string }; unverified: JWTPayload } {
  const notJwt = (why: string) => invalid(`the identity token is not a JWT: ${why}`, "pass the raw compact JWT (header.payload.signature) the identity provider issued");
  if (typeof jwt !== "string" || jwt.trim() === "") throw notJwt("it is empty");
  if (jwt.split(".").length !== 3) throw notJwt("it does not have three dot-separated parts");
  try {
    return { header: decodeProtectedHeader(jwt), unverified: decodeJwt(jwt) };
  } catch (e) {
    throw notJwt((e as Error).message);
  }
}

async function check(jwt: string, iss: string, keys: JWK[], algorithms: string[], audience: string, now: Date, who: string, own: boolean): Promise<JWTPayload & { sub: string }> {
  let payload: JWTPayload;
  try {
    payload = await verifyWithKeys(jwt, keys, {
      issuer: iss,
      audience,
      algorithms,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
    });
  } catch (e) {
    throw explain(e, who, audience, now, own);
  }
  if (typeof payload.sub !== "string" || payload.sub === "") throw invalid(`the identity token from ${who} has an empty subject (sub claim)`);
  const iat = payload.iat as number;
  if (iat > Math.floor(now.getTime() / 1000) + CLOCK_TOLERANCE_SECONDS) {
    throw invalid(`the identity token from ${who} was issued in the future (iat ${at(iat)}, now ${now.toISOString()})`, "check the clocks of this server and of the identity provider");
  }
  return payload as JWTPayload & { sub: string };
}

/** Selects the key by kid and alg; when several keys match (no kid), tries each, as go-oidc does. */
async function verifyWithKeys(jwt: string, keys: JWK[], options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(jwt, createLocalJWKSet({ keys }), options)).payload;
  } catch (e) {
    if (!(e instanceof errors.JWKSMultipleMatchingKeys)) throw e;
    for await (const key of e as unknown as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(jwt, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

function explain(e: unknown, who: string, audience: string, now: Date, own: boolean): CairnError {
  if (e instanceof errors.JWTExpired) {
    return invalid(`the identity token from ${who} expired at ${at(e.payload.exp)} (now ${now.toISOString()})`, "request a fresh token from the identity provider");
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    const p = e.payload;
    if (e.reason === "missing") return invalid(`the identity token from ${who} has no ${e.claim} claim`);
    if (e.claim === "aud") return invalid(`the identity token from ${who} is for audience ${JSON.stringify(p.aud)}, not ${JSON.stringify(audience)}`, `request the token with audience ${audience}`);
    if (e.claim === "nbf") return invalid(`the identity token from ${who} is not valid before ${at(p.nbf)} (now ${now.toISOString()})`, "check the clocks of this server and of the identity provider");
    if (e.claim === "iss") return invalid(`the identity token's issuer ${JSON.stringify(p.iss)} is not ${who}`);
    return invalid(`the identity token from ${who} has an invalid ${e.claim} claim (${e.message})`);
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) return invalid(`the identity token's signature does not verify with the JWKS of ${who}`, "the token was altered, or was signed by a key the registered JWKS does not hold");
  if (e instanceof errors.JWKSNoMatchingKey) {
    return invalid(
      `the identity token is signed with a key (kid, alg) that the JWKS of ${who} does not hold`,
      own ? "it was not issued by this server's current signing key: request a new token" : "if the issuer rotated its keys, an admin registers the new JWKS (`cairn ca oidc remove` then `add`)",
    );
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return invalid(`the identity token's algorithm is not accepted for ${who}`);
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid) return invalid(`the identity token is not a valid JWT: ${(e as Error).message}`);
  if (e instanceof errors.JOSEError) return invalid(`the identity token from ${who} does not verify: ${e.message}`);
  return e instanceof CairnError ? e : invalid(`the identity token from ${who} does not verify: ${(e as Error).message}`);
}

const at = (seconds: unknown): string => (typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : String(seconds));
