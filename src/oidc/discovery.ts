// OpenID discovery and JWKS documents of cairn's own issuer (`<issuer>/.well-known/openid-configuration` and
// `<issuer>/.well-known/jwks.json`). go-oidc requires `issuer` to equal the configured URL byte for byte and keeps only
// the asymmetric algorithms listed in id_token_signing_alg_values_supported.
import type { JWK } from "jose";
import type { OidcKey } from "./signing-key.ts";
import { REGISTERED_CLAIMS } from "./tokens.ts";

export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  claims_supported: string[];
  scopes_supported: string[];
}

/** `issuer` is the server's public URL exactly as tokens carry it in `iss`; `claims` are those minted beyond the registered ones. */
export function openidConfiguration(issuer: string, claims: readonly string[] = []): OpenIdConfiguration {
  return {
    issuer,
    jwks_uri: `${issuer.replace(/\/+$/, "")}/.well-known/jwks.json`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    claims_supported: [...new Set([...REGISTERED_CLAIMS, ...claims])],
    scopes_supported: ["openid"],
  };
}

export function jwksDocument(key: OidcKey): { keys: JWK[] } {
  return { keys: [{ ...key.publicJwk }] };
}
