import type { OidcIssuerRecord, OidcIssuerRepo } from "../oidc-issuer-port.ts";
import type { PgDatabase } from "./database.ts";

const SELECT = `SELECT issuer, audience, org, jwks, jwks_file AS "jwksFile", added_at AS "addedAt" FROM oidc_issuers`;

/**
 * OidcIssuerRepo over PostgreSQL (table oidc_issuers, migration 003). An add that finds the issuer taken, by another
 * replica's commit included, answers false through ON CONFLICT: no failed statement aborts the caller's transaction.
 */
export class PgOidcIssuerRepo implements OidcIssuerRepo {
  constructor(private readonly db: PgDatabase) {}

  async list(): Promise<OidcIssuerRecord[]> {
    return this.db.query<OidcIssuerRecord>(`${SELECT} ORDER BY issuer`);
  }

  async find(issuer: string): Promise<OidcIssuerRecord | undefined> {
    return (await this.db.query<OidcIssuerRecord>(`${SELECT} WHERE issuer = $1`, [issuer]))[0];
  }

  async add(r: OidcIssuerRecord): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO oidc_issuers (issuer, audience, org, jwks, jwks_file, added_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (issuer) DO NOTHING RETURNING issuer`,
      [r.issuer, r.audience, r.org, r.jwks, r.jwksFile, r.addedAt],
    );
    return rows.length === 1;
  }

  async remove(issuer: string): Promise<boolean> {
    return (await this.db.query("DELETE FROM oidc_issuers WHERE issuer = $1 RETURNING issuer", [issuer])).length === 1;
  }
}
