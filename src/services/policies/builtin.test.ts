// Every built-in policy on passing and failing fixtures (fixtures/policies/), through the same path as
// `cairn policy eval`: detection, strict validation, projection, evaluation.
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { builtinNames } from "../../crafter/policy/library.ts";
import { evaluatePolicyOnFile } from "./evaluate.ts";

const ROOT = resolve(import.meta.dir, "../../..");
const deps = { config: { cwd: resolve(ROOT, "fixtures/policies") }, clock: { now: () => new Date("2026-01-15T00:00:00Z") } };

interface Case {
  policy: string;
  material: string;
  kind?: string;
  with?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Expected violation messages, in order ([] = passes). */
  violations: string[];
}

const CASES: Case[] = [
  { policy: "banned-licenses", material: "sbom/clean.cdx.json", with: { licenses: "AGPL-3.0-only,GPL-3.0-only" }, violations: [] },
  { policy: "banned-licenses", material: "sbom/banned.cdx.json", with: { licenses: "agpl-3.0-only, GPL-3.0-only" }, violations: [
    "component ghostscript is under a banned license: AGPL-3.0-only",
    "component left-pad is under a banned license: GPL-3.0-only",
    "component readline is under a banned license: GPL-3.0-only",
  ] },
  { policy: "banned-licenses", material: "sbom/clean.spdx.json", with: { licenses: "AGPL-3.0-only" }, violations: [] },
  { policy: "banned-licenses", material: "sbom/banned.spdx.json", with: { licenses: "AGPL-3.0-only\nGPL-3.0-only" }, violations: [
    "component ghostscript is under a banned license: AGPL-3.0-only",
    "component left-pad is under a banned license: GPL-3.0-only",
  ] },
  { policy: "banned-components", material: "sbom/clean.cdx.json", with: { components: "pkg:npm/left-pad,ghostscript" }, violations: [] },
  { policy: "banned-components", material: "sbom/banned.cdx.json", with: { components: "pkg:npm/left-pad,ghostscript" }, violations: [
    "component ghostscript (pkg:generic/ghostscript@10.0.0) is banned",
    "component left-pad (pkg:npm/left-pad@1.3.0) is banned",
  ] },
  { policy: "banned-components", material: "sbom/banned.spdx.json", with: { components: "pkg:npm/left-pad" }, violations: ["component left-pad (pkg:npm/left-pad@1.3.0) is banned"] },
  { policy: "sbom-freshness", material: "sbom/clean.cdx.json", violations: [] },
  { policy: "sbom-freshness", material: "sbom/clean.cdx.json", with: { now: "2026-03-01T00:00:00Z", max_age_days: "30" }, violations: [
    "the SBOM was created at 2026-01-01T00:00:00Z, 59 days before the evaluation time; the limit is 30 days",
  ] },
  { policy: "sbom-freshness", material: "sbom/no-timestamp.cdx.json", violations: ["the SBOM has no metadata.timestamp, so its age is unknown"] },
  { policy: "sbom-freshness", material: "sbom/clean.spdx.json", with: { max_age_days: "7" }, violations: [
    "the SBOM was created at 2026-01-01T00:00:00Z, 14 days before the evaluation time; the limit is 7 days",
  ] },
  { policy: "junit-no-failures", material: "junit/pass.xml", violations: [] },
  { policy: "junit-no-failures", material: "junit/fail.xml", violations: ["suite store.blobs: 1 failed, 0 errors (of 3 tests)", "suite crafter: 0 failed, 1 errors (of 4 tests)"] },
  { policy: "sarif-max-level", material: "sarif/pass.json", violations: [] },
  { policy: "sarif-max-level", material: "sarif/pass.json", with: { level: "warning" }, violations: ["1 result(s) at level warning or above, e.g. js/rule-1: finding 1"] },
  { policy: "sarif-max-level", material: "sarif/fail.json", violations: ["2 result(s) at level error or above, e.g. js/rule-1: finding 1"] },
  { policy: "no-critical-vulnerabilities", material: "vex/pass.openvex.json", violations: [] },
  { policy: "no-critical-vulnerabilities", material: "vex/fail.openvex.json", violations: ["CVE-2023-42363 affects pkg:oci/payments-api@sha256%3A3b1c2f0e (status affected)"] },
  { policy: "no-critical-vulnerabilities", material: "vex/pass.csaf.json", violations: [] },
  { policy: "no-critical-vulnerabilities", material: "vex/fail.csaf.json", violations: ["CVE-2024-3094 (CRITICAL) is known to affect PAY-2.3.0"] },
  { policy: "no-critical-vulnerabilities", material: "vex/fail.csaf.json", with: { severity: "low" }, violations: [] },
  { policy: "no-critical-vulnerabilities", material: "vex/pass.twistcli.json", violations: [] },
  { policy: "no-critical-vulnerabilities", material: "vex/fail.twistcli.json", violations: ["critical CVE-2023-42363 in busybox 1.36.1-r29 (registry.example.com/acme/payments-api:2.3.0)"] },
  { policy: "no-critical-vulnerabilities", material: "vex/fail.gitlab.json", violations: ["Critical finding: Prototype Pollution in lodash"] },
  { policy: "no-critical-vulnerabilities", material: "vex/pass.dependabot.json", kind: "GHAS_DEPENDENCY_SCAN", violations: [] },
  { policy: "no-critical-vulnerabilities", material: "vex/fail.dependabot.json", kind: "GHAS_DEPENDENCY_SCAN", violations: ["high GHSA-grv7-fg5c-xmjg in braces (alert 88)"] },
  { policy: "image-not-mutable-tag", material: "image/pinned", violations: [] },
  { policy: "image-not-mutable-tag", material: "image/latest", violations: ["image registry.example/acme/app is referenced by the mutable tag latest: pin a version tag and a digest"] },
  { policy: "required-annotations", material: "annotations/build.txt", with: { names: "owner,ticket" }, annotations: { owner: "team-a", ticket: "OPS-1" }, violations: [] },
  { policy: "required-annotations", material: "annotations/build.txt", with: { names: "owner,ticket" }, annotations: { owner: "team-a", ticket: "" }, violations: ["material build.txt has no annotation ticket"] },
  { policy: "required-annotations", material: "sbom/clean.cdx.json", with: { names: "owner" }, violations: ["material clean.cdx.json has no annotation owner"] },
];

describe("built-in policies on fixtures", () => {
  for (const c of CASES) {
    const label = `${c.policy} ${c.material} ${JSON.stringify(c.with ?? {})} → ${c.violations.length === 0 ? "passes" : `${c.violations.length} violation(s)`}`;
    test(label, async () => {
      const out = await evaluatePolicyOnFile(deps, { policy: `builtin:${c.policy}`, material: c.material, kind: c.kind, with: c.with ?? {}, annotations: c.annotations });
      expect(out.result.skipped).toBeUndefined();
      expect(out.result.violations.map((v) => v.message)).toEqual(c.violations);
    });
  }

  test("every built-in policy has a passing and a failing case", () => {
    for (const name of builtinNames()) {
      const mine = CASES.filter((c) => c.policy === name);
      expect(mine.some((c) => c.violations.length === 0)).toBe(true);
      expect(mine.some((c) => c.violations.length > 0)).toBe(true);
    }
  });

  test("a policy without a rule for the material's kind is skipped, not passed", async () => {
    const out = await evaluatePolicyOnFile(deps, { policy: "builtin:junit-no-failures", material: "sarif/fail.json", with: {} });
    expect(out.result).toMatchObject({ name: "junit-no-failures", violations: [], skipped: "no rule for material kind SARIF" });
  });
});
