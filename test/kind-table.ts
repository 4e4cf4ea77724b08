// Test-only: table-driven checks of a material kind over fixtures/materials/<KIND>/. It reads files, so it lives
// outside the pure src/crafter and is imported by *.test.ts only, never by runtime code.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrorCode } from "../src/errors.ts";
import { expectCode } from "../src/test-helpers.ts";
import type { MaterialKind, Validated } from "../src/crafter/materials/kind.ts";

const FIXTURES = join(import.meta.dir, "../fixtures/materials");

/** The kinds whose fixtures live in fixtures/materials/<KIND>/ and are covered by this suite. */
export const OWNED_KINDS: readonly string[] = [
  "OPENVEX", "SBOM_CYCLONEDX_JSON", "SBOM_SPDX_JSON", "CSAF_VEX", "CSAF_INFORMATIONAL_ADVISORY", "CSAF_SECURITY_ADVISORY",
  "CSAF_SECURITY_INCIDENT_RESPONSE", "GITLAB_SECURITY_REPORT", "GITLEAKS_JSON", "YELP_DETECT_SECRETS_BASELINE", "OSSF_SCORECARD_JSON",
  "SARIF", "BLACKDUCK_SCA_JSON", "TWISTCLI_SCAN_JSON", "SLSA_PROVENANCE", "ATTESTATION",
  "GHAS_CODE_SCAN", "GHAS_SECRET_SCAN", "GHAS_DEPENDENCY_SCAN", "TRUFFLEHOG_JSON", "CHECKMARX_JSON",
];

export interface Positive {
  file: string;
  /** sha256:<hex> of the fixture file, as the CAS will record it. */
  digest: string;
  annotations: Record<string, string>;
  /** Number of warnings expected (default 0). */
  warnings?: number;
  /** Validate with --no-strict-validation. */
  lax?: boolean;
}

export interface Negative {
  file: string;
  code: ErrorCode;
  /** Under --no-strict-validation the file is accepted with this many warnings. */
  laxWarnings?: number;
}

export function fixtureBytes(kind: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, kind, file)));
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Registers one test per fixture: exact digest and annotations for positives, the error code for negatives. */
export function kindTable(kind: MaterialKind, positives: Positive[], negatives: Negative[]): void {
  describe(`${kind.kind} fixtures`, () => {
    for (const c of positives) {
      test(`accepts ${c.file}`, async () => {
        const bytes = fixtureBytes(kind.kind, c.file);
        expect(sha256(bytes)).toBe(c.digest);
        const v = (await kind.validate?.(bytes, { fileName: c.file, strict: !c.lax })) as Validated;
        expect(v.annotations).toEqual(c.annotations);
        expect(v.warnings.length).toBe(c.warnings ?? 0);
        // Every annotation a kind produces is documented on the kind.
        for (const key of Object.keys(v.annotations)) expect(kind.annotations).toContain(key);
        const projected = kind.project?.(bytes);
        expect(typeof projected === "object" && projected !== null && !Array.isArray(projected)).toBe(true);
      });
    }
    for (const c of negatives) {
      test(`rejects ${c.file} with ${c.code}`, async () => {
        const bytes = fixtureBytes(kind.kind, c.file);
        await expectCode(() => kind.validate?.(bytes, { fileName: c.file, strict: true }), c.code);
        if (c.laxWarnings !== undefined) {
          const v = (await kind.validate?.(bytes, { fileName: c.file, strict: false })) as Validated;
          expect(v.warnings.length).toBe(c.laxWarnings);
          expect(v.annotations["cairn.material.validation.warnings"]).toBe(String(c.laxWarnings));
        }
      });
    }
  });
}
