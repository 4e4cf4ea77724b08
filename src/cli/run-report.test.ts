import { expect, test } from "bun:test";
import type { RunDetail } from "../services/control/runs.ts";
import { reportWidth } from "./report-text.ts";
import { renderRunReport } from "./run-report.ts";

const hex = (c: string) => c.repeat(64);
const SBOM_DIGEST = `sha256:12d6ca6f${"0123456789abcdef".repeat(3)}01234567`;
const LONG_FILE = `build/output/${"very-long-directory-name/".repeat(6)}application-linux-amd64.tar.gz`;
const env = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`CI_VAR_${i}`, `value-${i}-${"x".repeat(i * 12)}`]));

function detail(): RunDetail {
  return {
    run: {
      id: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
      workflow: "build",
      workflowId: "wf-1",
      project: "skynet",
      contractName: "release",
      state: "blocked",
      reason: "blocked: 1 gated policy violation",
      runnerType: "GITHUB_ACTION",
      runnerUrl: "https://github.com/acme/skynet/actions/runs/123456789012",
      contractRevisionUsed: 2,
      contractRevisionLatest: 5,
      attestationDigest: `sha256:${hex("a")}`,
      policyStatus: "blocked",
      pushedBy: "token:ci-robot",
      createdAt: "2026-12-03T10:00:00.000Z",
      finishedAt: "2026-12-03T10:05:00.000Z",
    },
    attestation: {
      digest: `sha256:${hex("a")}`,
      payloadType: "application/vnd.in-toto+json",
      predicateType: "https://cairn.dev/attestation/v0.1",
      statement: {
        subject: [
          { name: "cairn.workflow.build", digest: { sha256: hex("b") } },
          {
            name: "git.head",
            digest: { sha1: "80e461e9b385c6986cdb8096c9dc99928943d667" },
            annotations: { "author.name": "Ada Lovelace", "author.email": "ada@example.com", date: "2026-12-01", message: "fix: the first line\n\nand a long body" },
          },
        ],
        predicate: {
          runner: { type: "GITHUB_ACTION", url: "https://github.com/acme/skynet/actions/runs/123456789012" },
          env,
          annotations: { owner: "team-platform", description: "d".repeat(300) },
          policyEvaluations: [
            { policy: "sbom-no-critical", material: "sbom", violations: [{}, {}, {}], gate: true },
            { policy: "tests-pass", material: "junit", violations: [], gate: false },
            { policy: "has-owner", violations: [], skipped: "no rule for this kind", gate: false },
          ],
        },
      },
      subjects: [],
      materials: [
        { name: "sbom", kind: "SBOM_CYCLONEDX_JSON", value: LONG_FILE, digest: SBOM_DIGEST, annotations: { "cairn.material.size": "1234", note: "n".repeat(200) } },
        { name: "a-material-with-a-really-long-name-indeed", kind: "STRING", value: "v".repeat(150), digest: `sha256:${hex("c")}`, annotations: {} },
      ],
    },
    provenance: { digest: `sha256:${hex("e")}`, createdAt: "2026-12-03T10:05:01.000Z" },
    verification: {
      verified: true,
      signer: { kind: "certificate", san: `https://github.com/acme/skynet/.github/workflows/${"release".repeat(12)}.yml@refs/heads/main`, issuer: "https://token.actions.githubusercontent.com", root: "public-good", caSubject: "CN=sigstore-intermediate, O=sigstore.dev", notBefore: new Date("2026-12-03T10:04:00Z"), notAfter: new Date("2026-12-03T10:14:00Z") },
      timestamps: [{ source: "rfc3161", time: new Date("2026-12-03T10:04:30Z"), authority: "timestamp.sigstore.dev", root: "public-good" }],
    },
  };
}

const HEADINGS = ["Run", "Contract", "Signer", "Materials", "Policy verdicts", "Annotations", "Runner and env", "Git HEAD", "SLSA provenance"];

test("every section, in order, each line within 100 columns", () => {
  const out = renderRunReport(detail());
  const lines = out.split("\n");
  const at = HEADINGS.map((h) => lines.indexOf(h));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  for (const l of lines) expect([...l].length).toBeLessThanOrEqual(100);
  for (const s of ["skynet/build", "blocked: 1 gated policy violation", "token:ci-robot", "2 used / 5 latest", "behind by 3 revisions"]) expect(out).toContain(s);
  expect(out).toContain("sha256:12d6ca6f…");
  expect(out).not.toContain(SBOM_DIGEST);
  expect(out).toContain("sbom-no-critical on sbom: 3 violations, gate");
  expect(out).toContain("has-owner on the attestation: skipped (no rule for this kind), no gate");
  expect(out).toContain("80e461e9b385");
  expect(out).toContain("Ada Lovelace <ada@example.com>");
  expect(out).toContain("fix: the first line");
  expect(out).not.toContain("long body");
  expect(out).toContain("CI_VAR_11=");
  expect(out).toContain("Timestamp       2026-12-03T10:04:30.000Z rfc3161 timestamp.sigstore.dev");
  expect(lines.some((l) => l.includes("build/output/") && l.endsWith("…"))).toBe(true);
});

test("--full: full digests and values, lines may be longer", () => {
  const out = renderRunReport(detail(), { full: true });
  expect(out).toContain(SBOM_DIGEST);
  expect(out).toContain(LONG_FILE);
  expect(out).toContain(`sha256:${hex("e")}`);
  expect(out).toContain("80e461e9b385c6986cdb8096c9dc99928943d667");
  expect(out).toContain("d".repeat(300));
});

test("a narrower width is respected, down to 40; no known width (piped) means 100", () => {
  for (const w of [72, 40]) for (const l of renderRunReport(detail(), { width: w }).split("\n")) expect([...l].length).toBeLessThanOrEqual(w);
  expect([reportWidth(undefined), reportWidth(30), reportWidth(40), reportWidth(80), reportWidth(250)]).toEqual([100, 40, 40, 80, 100]);
});

test("a run without attestation: run, contract and runner only; a key signer names its key id", () => {
  const d = detail();
  const out = renderRunReport({ run: { ...d.run, state: "initialized", reason: null, attestationDigest: null, policyStatus: null, contractRevisionUsed: 5 } });
  expect(out.split("\n").filter((l) => HEADINGS.includes(l))).toEqual(["Run", "Contract", "Runner and env"]);
  expect(out).toContain("up to date");
  expect(out).not.toContain("Pushed by");
  const keyed = renderRunReport({ ...d, verification: { verified: true, signer: { kind: "key", keyId: "k".repeat(64) }, keyId: "k".repeat(64), timestamps: [] } });
  expect(keyed).toContain("Key             kkkk");
});
