import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { OidcIssuerRecord, OidcIssuerRepo } from "../oidc-issuer-port.ts";

const SELECT = "SELECT issuer, audience, org, jwks, jwks_file AS jwksFile, added_at AS addedAt FROM oidc_issuers";

/** OidcIssuerRepo over bun:sqlite (table oidc_issuers, migration 017). */
export class SqliteOidcIssuerRepo implements Sync<OidcIssuerRepo> {
  constructor(private readonly db: Database) {}

  list(): OidcIssuerRecord[] {
    return this.db.query(`${SELECT} ORDER BY issuer`).all() as OidcIssuerRecord[];
  }

  find(issuer: string): OidcIssuerRecord | undefined {
    return (this.db.query(`${SELECT} WHERE issuer = ?`).get(issuer) as OidcIssuerRecord | null) ?? undefined;
  }

  add(r: OidcIssuerRecord): boolean {
    const done = this.db
      .query("INSERT INTO oidc_issuers (issuer, audience, org, jwks, jwks_file, added_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issuer) DO NOTHING")
      .run(r.issuer, r.audience, r.org, r.jwks, r.jwksFile, r.addedAt);
    return done.changes === 1;
  }

  remove(issuer: string): boolean {
    return this.db.query("DELETE FROM oidc_issuers WHERE issuer = ?").run(issuer).changes === 1;
  }
}
