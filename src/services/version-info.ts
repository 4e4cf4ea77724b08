import { PREDICATE_TYPE } from "../crafter/statement.ts";
import { MIGRATIONS } from "../store/sqlite/migrations/index.ts";
import { BUILD_COMMIT, BUILD_DATE, VERSION } from "../version.ts";

/** What `cairn version` reports: the build, the runtime, and the formats this binary reads and writes. */
export interface VersionInfo {
  version: string;
  /** Short git commit of the build; "unknown" from source or outside git. */
  commit: string;
  /** ISO 8601 UTC; "unknown" from source. */
  buildDate: string;
  /** The Bun runtime compiled into the binary. */
  bun: string;
  /** The in-toto predicate type of the attestations it signs. */
  predicateType: string;
  /** The store schema version it migrates a home to (the number of migrations). */
  storeSchemaVersion: number;
}

export function versionInfo(): VersionInfo {
  return {
    version: VERSION,
    commit: BUILD_COMMIT,
    buildDate: BUILD_DATE,
    bun: Bun.version,
    predicateType: PREDICATE_TYPE,
    storeSchemaVersion: MIGRATIONS.length,
  };
}
