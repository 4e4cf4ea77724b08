import { CairnError } from "../../errors.ts";
import type { CasBackendRecord, CasBackendRepo, S3Settings } from "../cas-backend-port.ts";
import { splitS3Location } from "../sqlite/cas-backend-repo.ts";
import { isUniqueViolation, type PgDatabase } from "./database.ts";
import { lockName } from "./locks.ts";

const SELECT = `SELECT id, name, provider, location, username, password_env AS "passwordEnv", insecure_http AS "insecureHttp",
  is_default AS "isDefault", created_at AS "createdAt", s3_endpoint AS "s3Endpoint", s3_region AS "s3Region",
  s3_path_style AS "s3PathStyle", s3_access_key_env AS "s3AccessKeyEnv", s3_secret_key_env AS "s3SecretKeyEnv" FROM cas_backends`;

type Row = Omit<CasBackendRecord, "s3"> & {
  s3Endpoint: string | null;
  s3Region: string | null;
  s3PathStyle: boolean | null;
  s3AccessKeyEnv: string | null;
  s3SecretKeyEnv: string | null;
};

function toRecord(r: Row): CasBackendRecord {
  const { s3Endpoint, s3Region, s3PathStyle, s3AccessKeyEnv, s3SecretKeyEnv, ...record } = r;
  if (r.provider !== "s3") return record;
  const { bucket, prefix } = splitS3Location(r.location);
  return { ...record, s3: { bucket, prefix, endpoint: s3Endpoint!, region: s3Region!, pathStyle: s3PathStyle === true, accessKeyEnv: s3AccessKeyEnv!, secretKeyEnv: s3SecretKeyEnv! } };
}

/**
 * CasBackendRepo over PostgreSQL (table cas_backends of the baseline). Every change of the default takes the advisory
 * lock `cas-backends/default` (lockName) for its transaction: two replicas making different backends the default one
 * after the other end with the later one, as SQLite's serialized writers do, instead of the second failing on the
 * one-default index (its clearing UPDATE cannot see the first's uncommitted default).
 */
export class PgCasBackendRepo implements CasBackendRepo {
  constructor(private readonly db: PgDatabase) {}

  /** A name taken meanwhile (by another replica, after the service's check) is ALREADY_EXISTS. */
  async insert(b: CasBackendRecord): Promise<void> {
    const s3: Partial<S3Settings> = b.s3 ?? {};
    try {
      await this.db.transaction(async () => {
        if (b.isDefault) await this.clearDefault();
        await this.db.query(
          `INSERT INTO cas_backends (id, name, provider, location, username, password_env, insecure_http, is_default, created_at,
             s3_endpoint, s3_region, s3_path_style, s3_access_key_env, s3_secret_key_env)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [
            b.id, b.name, b.provider, b.location, b.username, b.passwordEnv, b.insecureHttp, b.isDefault, b.createdAt,
            s3.endpoint ?? null, s3.region ?? null, s3.pathStyle ?? null, s3.accessKeyEnv ?? null, s3.secretKeyEnv ?? null,
          ],
        );
      });
    } catch (e) {
      if (!isUniqueViolation(e) || (e as Error).message.includes("cas_backends_one_default")) throw e;
      throw new CairnError("ALREADY_EXISTS", `CAS backend ${b.name} already exists`, { hint: `pick another --name, or \`cairn cas-backend remove ${b.name}\` first`, cause: e });
    }
  }

  async list(): Promise<CasBackendRecord[]> {
    return (await this.db.query<Row>(`${SELECT} ORDER BY name`)).map(toRecord);
  }

  async findByName(name: string): Promise<CasBackendRecord | undefined> {
    const [row] = await this.db.query<Row>(`${SELECT} WHERE name = $1`, [name]);
    return row ? toRecord(row) : undefined;
  }

  async findDefault(): Promise<CasBackendRecord | undefined> {
    const [row] = await this.db.query<Row>(`${SELECT} WHERE is_default`);
    return row ? toRecord(row) : undefined;
  }

  async setDefault(name: string | undefined): Promise<void> {
    await this.db.transaction(async () => {
      await this.clearDefault();
      if (name !== undefined) await this.db.query("UPDATE cas_backends SET is_default = true WHERE name = $1", [name]);
    });
  }

  async remove(name: string): Promise<void> {
    await this.db.query("DELETE FROM cas_backends WHERE name = $1", [name]);
  }

  /** Inside a transaction: takes the default's lock, then clears the committed default. */
  private async clearDefault(): Promise<void> {
    await lockName(this.db, "cas-backends", "default");
    await this.db.query("UPDATE cas_backends SET is_default = false WHERE is_default");
  }
}
