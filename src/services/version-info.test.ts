import { expect, test } from "bun:test";
import pkg from "../../package.json" with { type: "json" };
import { PREDICATE_TYPE } from "../crafter/statement.ts";
import { MIGRATIONS } from "../store/sqlite/migrations/index.ts";
import { versionInfo } from "./version-info.ts";

test("versionInfo: package version, runtime, predicate type and schema version; commit and date unknown from source", () => {
  expect(versionInfo()).toEqual({
    version: pkg.version,
    commit: "unknown",
    buildDate: "unknown",
    bun: Bun.version,
    predicateType: PREDICATE_TYPE,
    storeSchemaVersion: MIGRATIONS.length,
  });
});
