// OIDC discovery for cairn's issuer: what go-oidc (Fulcio) and jose's remote JWKS need to check its identity tokens.
import type { JWK } from "jose";
import type { OidcKey } from "./signing-key.ts";

export const TOKEN_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "org", "project", "workflow", "token_id", "token_name", "role"] as const;

/** `issuer` must be byte for byte the `iss` of the tokens (go-oidc compares them exactly). */
export function openidConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    scopes_supported: ["openid"],
    claims_supported: [...TOKEN_CLAIMS],
  };
}

export function jwksDocument(key: OidcKey): { keys: JWK[] } {
  return { keys: [key.publicJwk] };
}
