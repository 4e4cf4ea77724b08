// Conformance run over Chainloop's own test data (../shared/conformance/chainloop, when present):
// every file is auto-detected and validated the way `cairn attestation add` does it, and compared
// with the kind its name says it is. Prints a table per kind; exits 1 only if something crashed.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { isCairnError } from "../src/errors.ts";
import { detectKind, sampleOf } from "../src/crafter/materials/detect.ts";
import type { MaterialKind } from "../src/crafter/materials/kind.ts";
import { findKind } from "../src/crafter/materials/registry.ts";

const ROOT = join(import.meta.dir, "../../shared/conformance/chainloop");

/** What a sample is. First matching row wins; `negative` defaults to the name containing invalid/wrong/missing. */
export interface Expectation {
  pattern: RegExp;
  kind: string | null;
  negative?: boolean;
  /** Validate with --no-strict-validation (Chainloop accepts the sample only that way). */
  strict?: boolean;
  note?: string;
}

export const EXPECTATIONS: Expectation[] = [
  // Files of this snapshot that are absent (0 bytes) or are not materials at all.
  { pattern: /(^|\/)sbom-spdx\.json$/, kind: null, note: "absent from the snapshot (0 bytes)" },
  { pattern: /(^|\/)empty\.txt$/, kind: null, note: "empty file: rejected as MATERIAL_EMPTY before detection" },
  { pattern: /\.(pem|pub)$|contract|policy_group|testdata_contracts\//, kind: null, note: "keys, certificates, contracts, policies" },
  { pattern: /oci-layouts\//, kind: null, note: "OCI layout parts (blobs absent); directories are CONTAINER_IMAGE" },
  { pattern: /(^|\/)(ai[-_]|pr_info|runner[-_]context|accesschk|sigcheck|dranzer|radamsa)/, kind: null, note: "Chainloop-only kinds cairn does not implement" },
  { pattern: /attestation\.(source|output)|attestation-pe-snake/, kind: null, note: "crafting state / bare statements, not envelopes" },
  { pattern: /verifier_testdata\/bundle_invalid\.json$/, kind: null, note: "signature-level negative: signatures are checked by verify, not by the crafter" },
  { pattern: /verifier_testdata\/bundle_wrongversion\.json$/, kind: null, note: "verifier negative (v0.3 bundle with a certificate chain): accepted as a material with a warning, as Chainloop does" },
  { pattern: /bundle_with_(bad_timestamp|publickey)|verifier_testdata\/dsse_envelope/, kind: null, note: "verifier fixtures: statement without predicate" },
  // Generic files nothing may claim.
  { pattern: /(^|\/)(random\.json|empty_array\.json|simple\.txt)$/, kind: "ARTIFACT", negative: false },
  { pattern: /(^|\/)evidence-/, kind: "EVIDENCE", negative: false },
  // SBOMs and VEX.
  { pattern: /sbom\.cyclonedx/, kind: "SBOM_CYCLONEDX_JSON" },
  { pattern: /sbom-spdx/, kind: "SBOM_SPDX_JSON" },
  { pattern: /openvex/, kind: "OPENVEX" },
  { pattern: /csaf_vex/, kind: "CSAF_VEX" },
  { pattern: /csaf_informational_advisory/, kind: "CSAF_INFORMATIONAL_ADVISORY" },
  { pattern: /csaf_security_advisory/, kind: "CSAF_SECURITY_ADVISORY" },
  {
    pattern: /schemavalidators_testdata\/csaf_security_incident_response\.json$/,
    kind: "CSAF_SECURITY_INCIDENT_RESPONSE",
    negative: true,
    note: 'its category is "csaf_incident_response", not a CSAF category (schema-only fixture upstream)',
  },
  { pattern: /csaf_security_incident_response/, kind: "CSAF_SECURITY_INCIDENT_RESPONSE" },
  // Security scanners.
  { pattern: /\.sarif$/, kind: "SARIF" },
  { pattern: /(^|\/)gl-.*\.json$/, kind: "GITLAB_SECURITY_REPORT" },
  { pattern: /ghas-code-scan/, kind: "GHAS_CODE_SCAN" },
  { pattern: /ghas-secret-scan/, kind: "GHAS_SECRET_SCAN" },
  { pattern: /ghas-dependency-scan/, kind: "GHAS_DEPENDENCY_SCAN" },
  { pattern: /gitleaks/, kind: "GITLEAKS_JSON" },
  { pattern: /trufflehog/, kind: "TRUFFLEHOG_JSON" },
  { pattern: /detect-secrets/, kind: "YELP_DETECT_SECRETS_BASELINE" },
  { pattern: /blackduck/, kind: "BLACKDUCK_SCA_JSON" },
  { pattern: /twistcli/, kind: "TWISTCLI_SCAN_JSON" },
  { pattern: /checkmarx.*\.json$/, kind: "CHECKMARX_JSON" },
  { pattern: /scorecard-no-score/, kind: "OSSF_SCORECARD_JSON", strict: false, note: "Chainloop accepts it only without strict validation" },
  { pattern: /scorecard/, kind: "OSSF_SCORECARD_JSON" },
  { pattern: /zap_scan/, kind: "ZAP_DAST_ZIP" },
  // Tests, coverage, specs, charts (another helper's kinds; counted once registered).
  { pattern: /junit|tests\.(zip|tar\.gz)$/, kind: "JUNIT_XML" },
  { pattern: /jacoco/, kind: "JACOCO_XML" },
  { pattern: /cobertura-empty/, kind: "COBERTURA_XML", note: 'empty project (line-rate="NaN"): Chainloop accepts it' },
  { pattern: /cobertura/, kind: "COBERTURA_XML" },
  { pattern: /openapi|swagger/, kind: "OPENAPI_SPEC" },
  { pattern: /asyncapi/, kind: "ASYNCAPI_SPEC" },
  { pattern: /\.graphql$/, kind: "GRAPHQL_SPEC" },
  { pattern: /\.tgz$/, kind: "HELM_CHART" },
  // Attestations and provenance.
  { pattern: /slsa_provenance/, kind: "SLSA_PROVENANCE" },
  { pattern: /unknown\.envelope/, kind: "ATTESTATION", negative: true, note: "predicateType unknown.company/attestation/v0.1" },
  { pattern: /biz_testdata_attestations\/invalid\.json$/, kind: "ATTESTATION", negative: true },
  { pattern: /attestation|envelope|bundle/, kind: "ATTESTATION" },
];

interface Row {
  samples: number;
  positives: number;
  detected: number;
  validated: number;
  negatives: number;
  rejected: number;
  misses: string[];
}

/** What happened to one sample. */
export interface Outcome {
  rel: string;
  expectation?: Expectation;
  /** The expected kind, when it is registered. */
  kind?: MaterialKind;
  detected?: MaterialKind;
  negative: boolean;
  /** Detection gave the expected kind (ARTIFACT for kinds left out of auto-discovery). */
  detectedOk: boolean;
  /** Validation as the expected kind (or, without one, as the detected kind) passed. */
  valid: boolean;
  code?: string;
  /** Anything that threw something other than a CairnError. */
  crash?: string;
}

export const CONFORMANCE_ROOT = ROOT;

export function expectationFor(rel: string): Expectation | undefined {
  return EXPECTATIONS.find((e) => e.pattern.test(rel));
}

export function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]))
    .sort();
}

/** Runs `fn`; a CairnError is an answer, anything else a crash. */
async function attempt(fn: () => unknown): Promise<{ ok: boolean; crash?: unknown; code?: string }> {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    return isCairnError(e) ? { ok: false, code: e.code } : { ok: false, crash: e };
  }
}

/** Detects one sample as the CLI would, then validates it as its expected kind (or the detected one). */
export async function evaluateSample(rel: string, bytes: Uint8Array): Promise<Outcome> {
  const fileName = basename(rel);
  const expectation = expectationFor(rel);
  const kind = expectation?.kind ? findKind(expectation.kind) : undefined;
  const negative = expectation?.negative ?? /invalid|wrong|missing/i.test(fileName);
  const out: Outcome = { rel, negative, detectedOk: false, valid: false, ...(expectation ? { expectation } : {}), ...(kind ? { kind } : {}) };
  try {
    out.detected = detectKind(sampleOf(bytes, fileName), rel);
  } catch (e) {
    return { ...out, crash: `detect threw ${String(e)}` };
  }
  if (kind) out.detectedOk = out.detected.kind === (kind.autoDetect ? kind.kind : "ARTIFACT");
  const target = kind ?? out.detected;
  const r = await attempt(() => target.validate?.(bytes, { fileName, strict: expectation?.strict ?? true }));
  out.valid = r.ok;
  if (r.code) out.code = r.code;
  if (r.crash !== undefined) return { ...out, crash: `${target.kind} validate threw ${String(r.crash)}` };
  if (kind && r.ok && !negative) {
    const p = await attempt(() => kind.project?.(bytes));
    if (!p.ok) return { ...out, crash: `${kind.kind} project failed (${String(p.crash ?? p.code)})` };
  }
  return out;
}

async function main(): Promise<number> {
  if (!existsSync(ROOT)) {
    console.log(`conformance: ${ROOT} not found, nothing to check`);
    return 0;
  }
  const rows = new Map<string, Row>();
  const crashes: string[] = [];
  const unregistered = new Map<string, number>();
  const unexpected: string[] = [];
  const files = walk(ROOT);
  for (const path of files) {
    const o = await evaluateSample(relative(ROOT, path), new Uint8Array(readFileSync(path)));
    if (o.crash) crashes.push(`${o.rel}: ${o.crash}`);
    const exp = o.expectation;
    if (exp?.kind && o.kind === undefined) unregistered.set(exp.kind, (unregistered.get(exp.kind) ?? 0) + 1);
    if (o.kind === undefined) {
      if (o.detected && o.detected.kind !== "ARTIFACT") unexpected.push(`${o.rel} → ${o.detected.kind}${exp?.note ? ` (${exp.note})` : ""}`);
      continue;
    }
    const row = rows.get(o.kind.kind) ?? { samples: 0, positives: 0, detected: 0, validated: 0, negatives: 0, rejected: 0, misses: [] };
    rows.set(o.kind.kind, row);
    row.samples++;
    if (o.negative) {
      row.negatives++;
      if (!o.valid && !o.crash) row.rejected++;
      else row.misses.push(`${o.rel}: negative accepted when forced`);
      continue;
    }
    row.positives++;
    if (o.detectedOk) row.detected++;
    else row.misses.push(`${o.rel}: detected as ${o.detected?.kind}, expected ${o.kind.autoDetect ? o.kind.kind : "ARTIFACT"}`);
    if (o.valid) row.validated++;
    else if (!o.crash) row.misses.push(`${o.rel}: rejected (${o.code}) when validated as ${o.kind.kind}`);
  }
  print(rows, files.length, crashes, unregistered, unexpected);
  return crashes.length > 0 ? 1 : 0;
}

function print(rows: Map<string, Row>, files: number, crashes: string[], unregistered: Map<string, number>, unexpected: string[]): void {
  const head = ["kind", "samples", "detected", "validated", "neg. rejected"];
  const lines = [...rows].sort(([a], [b]) => a.localeCompare(b)).map(([k, r]) => [k, String(r.samples), `${r.detected}/${r.positives}`, `${r.validated}/${r.positives}`, `${r.rejected}/${r.negatives}`]);
  const t = [...rows.values()].reduce(
    (a, r) => ({ samples: a.samples + r.samples, positives: a.positives + r.positives, detected: a.detected + r.detected, validated: a.validated + r.validated, negatives: a.negatives + r.negatives, rejected: a.rejected + r.rejected }),
    { samples: 0, positives: 0, detected: 0, validated: 0, negatives: 0, rejected: 0 },
  );
  lines.push(["TOTAL", String(t.samples), `${t.detected}/${t.positives}`, `${t.validated}/${t.positives}`, `${t.rejected}/${t.negatives}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(`Chainloop samples in ${ROOT}`);
  console.log("detected = auto-detected as the kind (kinds without auto-detect: claimed by no other kind); neg. = forced validation rejects\n");
  console.log(fmt(head));
  for (const l of lines) console.log(fmt(l));
  console.log(`\nfiles: ${files}, crashes: ${crashes.length}`);
  for (const c of crashes) console.log(`  CRASH ${c}`);
  const misses = [...rows.values()].flatMap((r) => r.misses);
  console.log(`misses: ${misses.length}`);
  for (const m of misses) console.log(`  ${m}`);
  if (unregistered.size > 0) console.log(`not registered yet (skipped): ${[...unregistered].map(([k, n]) => `${k} (${n})`).join(", ")}`);
  if (unexpected.length > 0) console.log(`files without an expectation that a kind claims:\n  ${unexpected.join("\n  ")}`);
}

if (import.meta.main) process.exitCode = await main();
