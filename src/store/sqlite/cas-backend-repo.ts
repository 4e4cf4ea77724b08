import type { Database } from "bun:sqlite";
import type { CasBackendRecord, CasBackendRepo } from "../cas-backend-port.ts";

const SELECT = `SELECT id, name, provider, location, username, password_env AS passwordEnv, insecure_http AS insecureHttp,
  is_default AS isDefault, created_at AS createdAt FROM cas_backends`;

type Row = Omit<CasBackendRecord, "insecureHttp" | "isDefault"> & { insecureHttp: number; isDefault: number };

const toRecord = (r: Row): CasBackendRecord => ({ ...r, insecureHttp: r.insecureHttp === 1, isDefault: r.isDefault === 1 });

/** CasBackendRepo over bun:sqlite (table cas_backends, migration 009). */
export class SqliteCasBackendRepo implements CasBackendRepo {
  constructor(private readonly db: Database) {}

  insert(b: CasBackendRecord): void {
    this.db.transaction(() => {
      if (b.isDefault) this.clearDefault();
      this.db
        .query(
          `INSERT INTO cas_backends (id, name, provider, location, username, password_env, insecure_http, is_default, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(b.id, b.name, b.provider, b.location, b.username, b.passwordEnv, b.insecureHttp ? 1 : 0, b.isDefault ? 1 : 0, b.createdAt);
    })();
  }

  list(): CasBackendRecord[] {
    return (this.db.query(`${SELECT} ORDER BY name`).all() as Row[]).map(toRecord);
  }

  findByName(name: string): CasBackendRecord | undefined {
    const row = this.db.query(`${SELECT} WHERE name = ?`).get(name) as Row | null;
    return row ? toRecord(row) : undefined;
  }

  findDefault(): CasBackendRecord | undefined {
    const row = this.db.query(`${SELECT} WHERE is_default = 1`).get() as Row | null;
    return row ? toRecord(row) : undefined;
  }

  setDefault(name: string | undefined): void {
    this.db.transaction(() => {
      this.clearDefault();
      if (name !== undefined) this.db.query("UPDATE cas_backends SET is_default = 1 WHERE name = ?").run(name);
    })();
  }

  remove(name: string): void {
    this.db.query("DELETE FROM cas_backends WHERE name = ?").run(name);
  }

  private clearDefault(): void {
    this.db.exec("UPDATE cas_backends SET is_default = 0 WHERE is_default = 1");
  }
}
