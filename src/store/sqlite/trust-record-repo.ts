import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { TrustRecordRepo } from "../trust-record-port.ts";

const KEY = "serve_trust";

/** TrustRecordRepo over bun:sqlite (the settings table of migration 002). */
export class SqliteTrustRecordRepo implements Sync<TrustRecordRepo> {
  constructor(private readonly db: Database) {}

  get(): string | undefined {
    return (this.db.query("SELECT value FROM settings WHERE key = ?").get(KEY) as { value: string } | null)?.value;
  }

  claim(value: string): string {
    this.db.query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING").run(KEY, value);
    return this.get()!;
  }

  replace(value: string): void {
    this.db.query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(KEY, value);
  }
}
