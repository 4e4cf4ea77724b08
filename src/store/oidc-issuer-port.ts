/**
 * Storage port of the external CI issuers (`cairn ca oidc add|list|remove`) whose identity tokens the CA of
 * `cairn serve` accepts. In the database, so every replica of one accepts the same ones. An issuer's JWKS is stored
 * with it: cairn never fetches one.
 */
export interface OidcIssuerRecord {
  /** Exactly as tokens carry it in `iss`: the key, compared byte for byte (a trailing slash matters). */
  issuer: string;
  /** The `aud` its tokens must carry. */
  audience: string;
  /** The organization (its name) whose audit trail records what its identities do; null: the instance admin's. */
  org: string | null;
  /** The JWKS document as registered, JSON. */
  jwks: string;
  /** The file the JWKS was read from, as an absolute path on the machine that registered it (informational). */
  jwksFile: string;
  addedAt: string;
}

export interface OidcIssuerRepo {
  /** Every registered issuer, by issuer (bytewise). */
  list(): Promise<OidcIssuerRecord[]>;
  find(issuer: string): Promise<OidcIssuerRecord | undefined>;
  /** False, and nothing written, when the issuer is registered already: its unique key decides, also between replicas at once. */
  add(r: OidcIssuerRecord): Promise<boolean>;
  /** False when it was not registered. */
  remove(issuer: string): Promise<boolean>;
}
