// Chainloop's own samples (../shared/conformance/chainloop), when present: every sample of a kind
// this suite owns must be detected and validated, every negative rejected when its kind is forced.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { CONFORMANCE_ROOT, evaluateSample, expectationFor, walk } from "../../../scripts/conformance.ts";
import { OWNED_KINDS } from "../../../test/kind-table.ts";

const OWNED = new Set(OWNED_KINDS);

const present = existsSync(CONFORMANCE_ROOT);
const files = present ? walk(CONFORMANCE_ROOT).map((p) => relative(CONFORMANCE_ROOT, p)) : [];

describe.skipIf(!present)("Chainloop conformance samples", () => {
  for (const rel of files.filter((r) => OWNED.has(expectationFor(r)?.kind ?? ""))) {
    test(rel, async () => {
      const o = await evaluateSample(rel, new Uint8Array(readFileSync(`${CONFORMANCE_ROOT}/${rel}`)));
      expect(o.crash).toBeUndefined();
      if (o.negative) {
        expect(o.valid).toBe(false);
      } else {
        expect(o.detectedOk).toBe(true);
        expect(o.valid).toBe(true);
      }
    });
  }

  test("no sample crashes detection or validation", async () => {
    const crashes: string[] = [];
    for (const rel of files) {
      const o = await evaluateSample(rel, new Uint8Array(readFileSync(`${CONFORMANCE_ROOT}/${rel}`)));
      if (o.crash) crashes.push(`${rel}: ${o.crash}`);
    }
    expect(crashes).toEqual([]);
  });
});
