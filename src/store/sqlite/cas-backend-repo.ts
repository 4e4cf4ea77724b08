import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { CasBackendRecord, CasBackendRepo, S3Settings } from "../cas-backend-port.ts";

const SELECT = `SELECT id, name, provider, location, username, password_env AS passwordEnv, insecure_http AS insecureHttp,
  is_default AS isDefault, created_at AS createdAt, s3_endpoint AS s3Endpoint, s3_region AS s3Region,
  s3_path_style AS s3PathStyle, s3_access_key_env AS s3AccessKeyEnv, s3_secret_key_env AS s3SecretKeyEnv FROM cas_backends`;

type Row = Omit<CasBackendRecord, "insecureHttp" | "isDefault" | "s3"> & {
  insecureHttp: number;
  isDefault: number;
  s3Endpoint: string | null;
  s3Region: string | null;
  s3PathStyle: number | null;
  s3AccessKeyEnv: string | null;
  s3SecretKeyEnv: string | null;
};

function toRecord(r: Row): CasBackendRecord {
  const { s3Endpoint, s3Region, s3PathStyle, s3AccessKeyEnv, s3SecretKeyEnv, ...rest } = r;
  const record: CasBackendRecord = { ...rest, insecureHttp: r.insecureHttp === 1, isDefault: r.isDefault === 1 };
  if (r.provider !== "s3") return record;
  const { bucket, prefix } = splitS3Location(r.location);
  return { ...record, s3: { bucket, prefix, endpoint: s3Endpoint!, region: s3Region!, pathStyle: s3PathStyle === 1, accessKeyEnv: s3AccessKeyEnv!, secretKeyEnv: s3SecretKeyEnv! } };
}

/** `s3://BUCKET[/PREFIX]` → its parts (the location column is the one place bucket and prefix are stored). */
export function splitS3Location(location: string): { bucket: string; prefix: string } {
  const rest = location.slice("s3://".length);
  const slash = rest.indexOf("/");
  return slash < 0 ? { bucket: rest, prefix: "" } : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
}

/** CasBackendRepo over bun:sqlite (table cas_backends, migrations 009 and 016). */
export class SqliteCasBackendRepo implements Sync<CasBackendRepo> {
  constructor(private readonly db: Database) {}

  insert(b: CasBackendRecord): void {
    const s3: Partial<S3Settings> = b.s3 ?? {};
    this.db.transaction(() => {
      if (b.isDefault) this.clearDefault();
      this.db
        .query(
          `INSERT INTO cas_backends (id, name, provider, location, username, password_env, insecure_http, is_default, created_at,
             s3_endpoint, s3_region, s3_path_style, s3_access_key_env, s3_secret_key_env)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          b.id, b.name, b.provider, b.location, b.username, b.passwordEnv, b.insecureHttp ? 1 : 0, b.isDefault ? 1 : 0, b.createdAt,
          s3.endpoint ?? null, s3.region ?? null, s3.pathStyle === undefined ? null : s3.pathStyle ? 1 : 0, s3.accessKeyEnv ?? null, s3.secretKeyEnv ?? null,
        );
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
