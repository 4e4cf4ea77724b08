import type { TrustRecordRepo } from "../trust-record-port.ts";
import type { PgDatabase } from "./database.ts";

const KEY = "serve_trust";

/** TrustRecordRepo over PostgreSQL (the settings table of the baseline). */
export class PgTrustRecordRepo implements TrustRecordRepo {
  constructor(private readonly db: PgDatabase) {}

  async get(): Promise<string | undefined> {
    return (await this.db.query<{ value: string }>("SELECT value FROM settings WHERE key = $1", [KEY]))[0]?.value;
  }

  async claim(value: string): Promise<string> {
    await this.db.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [KEY, value]);
    return (await this.get())!;
  }

  async replace(value: string): Promise<void> {
    await this.db.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [KEY, value]);
  }
}
