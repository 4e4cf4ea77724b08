// The whole policy set of a 5-material contract (target <= 300 ms): every attachment compiled as init does, then
// each material's policies evaluated as add does, through the crafting services, on real evidence (the ~4 MB
// CycloneDX sample among them). Material validation (what add costs without policies) is measured apart.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { median, record } from "./lib.ts";
import { largestSbom } from "./materials.ts";

const FIX = resolve(import.meta.dir, "../fixtures/policies");
const N = 7;

const MATERIALS: [name: string, kind: string, file: string][] = [
  ["sbom", "SBOM_CYCLONEDX_JSON", "sbom.cdx.json"],
  ["sbom-spdx", "SBOM_SPDX_JSON", "clean.spdx.json"],
  ["tests", "JUNIT_XML", "pass.xml"],
  ["scan", "SARIF", "pass.json"],
  ["vex", "OPENVEX", "pass.openvex.json"],
];

const CONTRACT = `apiVersion: cairn.dev/v1
kind: Contract
metadata: { name: bench-policies }
spec:
  materials:
${MATERIALS.map(([n, k]) => `    - { name: ${n}, type: ${k} }`).join("\n")}
  policies:
    materials:
      - { ref: builtin:banned-licenses, with: { licenses: "AGPL-3.0-only,GPL-3.0-only,SSPL-1.0" }, gate: true }
      - { ref: builtin:banned-components, with: { components: "left-pad,pkg:npm/event-stream" } }
      - { ref: builtin:sbom-freshness, with: { max_age_days: "3650" } }
      - { ref: builtin:junit-no-failures, gate: true }
      - { ref: builtin:sarif-max-level, with: { level: error } }
      - { ref: builtin:no-critical-vulnerabilities, with: { severity: high } }
      - { ref: builtin:required-annotations, with: { names: "" } }
`;

export async function benchPolicyContract(work: string): Promise<void> {
  console.error("policies: the whole policy set of a 5-material contract");
  const dir = join(work, "policy-contract");
  mkdirSync(dir, { recursive: true });
  const sbom = largestSbom();
  copyFileSync(sbom ?? join(FIX, "sbom/clean.cdx.json"), join(dir, "sbom.cdx.json"));
  for (const [src, dst] of [["sbom/clean.spdx.json", "clean.spdx.json"], ["junit/pass.xml", "pass.xml"], ["sarif/pass.json", "pass.json"], ["vex/pass.openvex.json", "pass.openvex.json"]]) {
    copyFileSync(join(FIX, src!), join(dir, dst!));
  }
  writeFileSync(join(dir, "contract.yaml"), CONTRACT);
  const { parseContractText } = await import("../src/services/contracts.ts");
  const { compileAttachedPolicies, evaluateMaterialPolicies } = await import("../src/services/crafting/policies.ts");
  const { evaluateMaterial } = await import("../src/services/materials/evaluate.ts");
  const { contract } = parseContractText(CONTRACT, "contract.yaml");
  const deps = { config: { cwd: dir }, clock: { now: () => new Date("2026-06-01T00:00:00Z") } };
  const evaluated = await Promise.all(MATERIALS.map(async ([name, kind, file]) => ({ name, ev: await evaluateMaterial(file, kind, { cwd: dir, strict: true }), annotations: {} })));
  let count = 0;
  const once = async () => {
    const t0 = performance.now();
    await compileAttachedPolicies(deps, contract, "bench-policies", () => {});
    count = (await Promise.all(evaluated.map((m) => evaluateMaterialPolicies(deps, contract, "bench-policies", m)))).flat().length;
    return performance.now() - t0;
  };
  await once(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < N; i++) times.push(await once());
  const ms = median(times);
  const validate = median(
    await Promise.all(Array.from({ length: 3 }, async () => {
      const t0 = performance.now();
      for (const [, kind, file] of MATERIALS) await evaluateMaterial(file, kind, { cwd: dir, strict: true });
      return performance.now() - t0;
    })),
  );
  const sample = sbom ? "the 4 MB CycloneDX sample" : "a small CycloneDX fixture (no ../shared)";
  record(`policy set of a 5-material contract (${count} evaluations, ${sample}), median`, `${ms.toFixed(1)} ms`, "<= 300 ms", ms <= 300);
  record("same 5 materials: validation alone (what add costs without policies), median", `${validate.toFixed(1)} ms`);
}
