// src/slsa is pure like src/crafter: its modules take values and return values (no filesystem, database, network,
// process environment or clock), so provenance depends only on its inputs.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const FORBIDDEN = [/from "node:(fs|child_process|net|http|https|os)/, /from "bun:sqlite"/, /\bfetch\(/, /\bprocess\.env\b/, /\bDate\.now\(/, /new Date\(\)/, /\bBun\./];

describe("src/slsa is pure", () => {
  const modules = readdirSync(import.meta.dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".testutil.ts"));

  test.each(modules)("%s uses no I/O and no clock", (file) => {
    const src = readFileSync(join(import.meta.dir, file), "utf8");
    expect(FORBIDDEN.filter((re) => re.test(src)).map(String)).toEqual([]);
  });
});
