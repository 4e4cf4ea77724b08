// Policy evaluation: the banned-license built-in over a ~4 MB CycloneDX SBOM (target <= 200 ms for projection +
// evaluation in-process), plus the whole `cairn policy eval` process (start-up, detection, validation included).
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { median, record, runProcess } from "./lib.ts";
import { largestSbom } from "./materials.ts";
import { BIN } from "./tools.ts";

const N = 9;
const LICENSES = "AGPL-3.0-only,GPL-3.0-only,SSPL-1.0";

export async function benchPolicies(work: string): Promise<void> {
  console.error("policies: builtin:banned-licenses over a ~4 MB CycloneDX SBOM");
  const dir = join(work, "policies");
  mkdirSync(dir, { recursive: true });
  const sbom = largestSbom() ?? generateSbom(join(dir, "sbom.cyclonedx.json"), 2000, 4_000_000);
  const mb = (statSync(sbom).size / 1e6).toFixed(1);
  const { builtinPolicy } = await import("../src/crafter/policy/library.ts");
  const { evaluateMaterialPolicy } = await import("../src/crafter/policy/evaluate.ts");
  const { projectMaterial } = await import("../src/crafter/policy/project.ts");
  const { requireKind } = await import("../src/services/materials/evaluate.ts");
  const policy = builtinPolicy("banned-licenses");
  const kind = requireKind("SBOM_CYCLONEDX_JSON");
  const bytes = new Uint8Array(await Bun.file(sbom).arrayBuffer());
  const opts = { with: { licenses: LICENSES }, now: new Date(), clock: () => performance.now() };
  let violations = 0;
  const once = () => {
    const t0 = performance.now();
    const p = projectMaterial(kind, bytes);
    const t1 = performance.now();
    const r = evaluateMaterialPolicy(policy, { name: "sbom", kind: kind.kind, digest: "", value: "sbom", annotations: {}, ...p }, opts);
    violations = r.violations.length;
    return { project: t1 - t0, evaluate: performance.now() - t1 };
  };
  once(); // warm-up (JIT)
  const runs = Array.from({ length: N }, once);
  const total = median(runs.map((r) => r.project + r.evaluate));
  record(`banned-licenses on ${mb} MB CycloneDX: project+evaluate, median`, `${total.toFixed(1)} ms (${violations} violations)`, "<= 200 ms", total <= 200);
  record(`banned-licenses on ${mb} MB CycloneDX: CEL evaluation only, median`, `${median(runs.map((r) => r.evaluate)).toFixed(1)} ms`);
  const env = { PATH: process.env.PATH, HOME: dir, CAIRN_HOME: join(dir, "home") };
  const cli = () => runProcess([BIN, "policy", "eval", "--policy", "builtin:banned-licenses", "--material", sbom, "--input", `licenses=${LICENSES}`, "-o", "json"], { cwd: dir, env });
  cli();
  const procs = Array.from({ length: 5 }, cli);
  record(`cairn policy eval ${mb} MB CycloneDX (whole process, validation included), median`, `${median(procs.map((s) => s.ms)).toFixed(0)} ms, peak RSS ${Math.max(...procs.map((s) => s.maxRssMiB)).toFixed(0)} MiB`);
}

/** `count` components padded to about `bytes`; every 50th under AGPL so the policy has violations to report. */
function generateSbom(path: string, count: number, bytes: number): string {
  const pad = "x".repeat(Math.max(0, Math.floor(bytes / count) - 300));
  const components = Array.from({ length: count }, (_, i) => ({
    type: "library",
    name: `bench-pkg-${i}`,
    version: `1.${i % 10}.0`,
    description: pad,
    licenses: i % 50 === 0 ? [{ license: { id: "AGPL-3.0-only" } }] : [{ expression: "MIT OR Apache-2.0" }],
    purl: `pkg:npm/bench-pkg-${i}@1.${i % 10}.0`,
  }));
  writeFileSync(path, JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.5", version: 1, metadata: { timestamp: "2025-01-01T00:00:00Z" }, components }, null, 2));
  return path;
}
