// Test-only helpers for material kind tables (imported by *.test.ts only). Pure: tests read the
// fixture bytes themselves and pass them in.
import { createHash } from "node:crypto";
import { describe, expect, test } from "bun:test";
import type { ErrorCode } from "../../errors.ts";
import { expectCode } from "../../test-helpers.ts";
import { gzip, makeTar, makeZip } from "../archive/testing.ts";
import { type MaterialKind, type Sample, SNIFF_BYTES, type Validated } from "./kind.ts";

/** "sha256:<hex>" of the bytes, as material digests are written. */
export function sha256(b: Uint8Array): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

/** The Sample detection would see for these bytes (first SNIFF_BYTES). */
export function sampleOf(bytes: Uint8Array, fileName: string): Sample {
  return { head: bytes.subarray(0, SNIFF_BYTES), size: bytes.length, fileName };
}

/** Archives a set of files (in the given order) as zip, tar or tar.gz, deterministically. */
export function archiveOf(files: Record<string, Uint8Array>, format: "zip" | "tar" | "tar.gz"): Uint8Array {
  if (format === "zip") return makeZip(files);
  const tar = makeTar(Object.entries(files).map(([name, body]) => ({ name, body })));
  return format === "tar" ? tar : gzip(tar);
}

export interface Positive {
  name: string;
  fileName: string;
  bytes: () => Uint8Array;
  /** sha256 of the bytes: pins the fixture (and the determinism of generated archives). */
  digest: string;
  annotations: Record<string, string>;
  warnings?: string[];
  /** Validate with strict=false. */
  lax?: boolean;
  /** Whether sniff should recognise it (default true). */
  sniff?: boolean;
}

export interface Negative {
  name: string;
  fileName: string;
  bytes: () => Uint8Array;
  code?: ErrorCode;
  lax?: boolean;
}

/** The standard table: positives validate to exact annotations, negatives fail with a code. */
export function kindTable(kind: MaterialKind, positives: Positive[], negatives: Negative[]): void {
  describe(`${kind.kind} positives`, () => {
    test.each(positives)("$name", async (c) => {
      const bytes = c.bytes();
      expect(sha256(bytes)).toBe(c.digest);
      expect(kind.sniff?.(sampleOf(bytes, c.fileName))).toBe(c.sniff ?? true);
      const got: Validated = await kind.validate!(bytes, { fileName: c.fileName, strict: c.lax !== true });
      expect(got.annotations).toEqual(c.annotations);
      expect(got.warnings).toEqual(c.warnings ?? []);
      for (const key of Object.keys(got.annotations)) expect(kind.annotations).toContain(key);
      expect(kind.project?.(bytes)).toBeDefined();
    });
  });
  describe(`${kind.kind} negatives`, () => {
    test.each(negatives)("$name", async (c) => {
      await expectCode(() => kind.validate!(c.bytes(), { fileName: c.fileName, strict: c.lax !== true }), c.code ?? "MATERIAL_INVALID");
    });
  });
}
