// Issue 18's fuzz suite: every material kind, the contract parser and the policy parser, fed hostile inputs (bombs,
// deep nesting, alias bombs, huge lines, truncated archives; test/fuzz/corpus.ts) and seeded mutations of valid
// fixtures, through the compiled binary. Per input: exit code 0/1/2/4, at most one ERR line and no stderr line over
// 1 KiB, at most 5 s, at most 256 MiB of peak RSS (GNU time), and no file written outside the home.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { archiveSeeds, hostiles, SEEDS, type Family } from "../fuzz/corpus.ts";
import { mutate, prng } from "../fuzz/mutate.ts";
import { lane, pool, runCase, type Lane, type Outcome } from "../fuzz/run.ts";
import { BIN, FIXTURES, ROOT } from "./harness.ts";

const SEED = Number(process.env.CAIRN_FUZZ_SEED ?? 18);
const MUTANTS_PER_KIND = 2;
const MAX_WALL_MS = 5000;
const MAX_RSS_KIB = 256 * 1024;

const root = mkdtempSync(join(tmpdir(), "cairn-fuzz-"));
const corpus = join(root, "corpus");
mkdirSync(corpus);
const rand = prng(SEED);

interface Case {
  name: string;
  args: string[];
}

const kinds = (JSON.parse(Bun.spawnSync([BIN, "materials", "list", "-o", "json"]).stdout.toString()) as { kind: string }[]).map((k) => k.kind);

function familiesOf(kind: string): Family[] {
  if (kind === "JUNIT_XML") return ["xml", "zip", "tgz"];
  if (kind === "JACOCO_XML" || kind === "COBERTURA_XML") return ["xml"];
  if (kind === "OPENAPI_SPEC" || kind === "ASYNCAPI_SPEC") return ["yaml", "json"];
  if (kind === "GRAPHQL_SPEC") return ["graphql"];
  if (kind === "HELM_CHART") return ["tgz"];
  if (kind === "ZAP_DAST_ZIP") return ["zip"];
  if (kind === "ARTIFACT") return ["any", "zip", "tgz"];
  if (kind === "STRING" || kind === "CONTAINER_IMAGE") return [];
  return ["json"];
}

function put(name: string, bytes: Uint8Array): string {
  const path = join(corpus, name.replace(/[^\w.@=-]/g, "_").slice(0, 120));
  writeFileSync(path, bytes);
  return path;
}

/** Seeds of a kind: its committed valid fixtures, or the archives built from them. */
function seedsOf(kind: string): Uint8Array[] {
  const a = archiveSeeds();
  if (kind === "HELM_CHART") return [a.helm];
  if (kind === "ZAP_DAST_ZIP") return [a.zap];
  if (kind === "ARTIFACT") return [a.junitZip, readFileSync(join(FIXTURES, "contracts/valid-v2.yaml"))];
  const dir = join(FIXTURES, "materials", kind);
  const files = kind === "EVIDENCE" ? [] : readdirSync(dir).filter((f) => f.startsWith("valid")).sort().slice(0, 2);
  const seeds: Uint8Array[] = files.map((f) => readFileSync(join(dir, f)));
  if (kind === "JUNIT_XML") seeds.push(a.junitTgz);
  if (kind === "EVIDENCE") seeds.push(new TextEncoder().encode(JSON.stringify({ id: "x", schema: "https://example.com/s", data: { a: [1, 2, 3] } })));
  return seeds;
}

const cases: Case[] = [];
let n = 0;
const add = (name: string, value: string, kind?: string) => cases.push({ name, args: ["att", "add", "--name", `m${n++}`, "--value", value, ...(kind ? ["--kind", kind] : [])] });

// Hostile inputs: once with the kind detected, and against up to three kinds of their family, rotating.
const H = hostiles();
const fileKinds = kinds.filter((k) => familiesOf(k).length > 0);
let turn = 0;
for (const h of H) {
  const path = put(h.name, h.bytes);
  add(`${h.name} detected`, path);
  const aimed = fileKinds.filter((k) => familiesOf(k).includes(h.family) || h.family === "any");
  for (let i = 0; i < Math.min(3, aimed.length); i++) {
    const kind = aimed[(turn + i) % aimed.length]!;
    add(`${h.name} as ${kind}`, path, kind);
  }
  turn += 3;
}
// Seeded mutations of every kind's valid seeds.
for (const kind of fileKinds) {
  const seeds = seedsOf(kind);
  for (let i = 0; i < MUTANTS_PER_KIND; i++) {
    const m = mutate(seeds[i % seeds.length]!, rand);
    add(`${kind} mutant ${i} (${m.name})`, put(`${kind}-${i}-${m.name}`, m.bytes), kind);
  }
}
// STRING values and OCI layouts (CONTAINER_IMAGE) with hostile index.json files.
for (const v of ["x".repeat(100_000), "\u001b[2J\u0007".repeat(1000), "{".repeat(50_000)]) add(`STRING of ${v.length}`, v, "STRING");
for (const h of H.filter((x) => x.family === "json").slice(0, 3)) {
  const dir = join(corpus, `oci-${h.name}`);
  cpSync(join(FIXTURES, "policies/image/latest"), dir, { recursive: true });
  writeFileSync(join(dir, "index.json"), h.bytes);
  add(`OCI layout with ${h.name}`, dir, "CONTAINER_IMAGE");
}
// Contracts (cairn check) and policies (cairn policy eval): YAML/JSON hostiles plus mutations of the fixtures.
const contractSeeds = readdirSync(join(FIXTURES, "contracts")).filter((f) => /^valid.*\.(yaml|json)$/.test(f) || f === "demo.yaml");
const policySeeds = readdirSync(join(ROOT, "src/crafter/policy/builtin")).filter((f) => f.endsWith(".yaml")).sort();
const junit = join(FIXTURES, "policies/junit/pass.xml");
const parserInputs = H.filter((h) => h.family === "yaml" || h.family === "json" || h.family === "any").map((h) => ({ name: h.name, path: join(corpus, h.name) }));
parserInputs.push({ name: "policy-bad-cel.yaml", path: join(SEEDS, "policy-bad-cel.yaml") });
for (const p of parserInputs) {
  cases.push({ name: `contract ${p.name}`, args: ["check", "--contract", p.path] });
  cases.push({ name: `policy ${p.name}`, args: ["policy", "eval", "--policy", p.path, "--material", junit, "--kind", "JUNIT_XML"] });
}
for (let i = 0; i < 8; i++) {
  const c = mutate(readFileSync(join(FIXTURES, "contracts", contractSeeds[i % contractSeeds.length]!)), rand);
  cases.push({ name: `contract mutant ${i} (${c.name})`, args: ["check", "--contract", put(`contract-${i}-${c.name}.yaml`, c.bytes)] });
  const p = mutate(readFileSync(join(ROOT, "src/crafter/policy/builtin", policySeeds[i % policySeeds.length]!)), rand);
  cases.push({ name: `policy mutant ${i} (${p.name})`, args: ["policy", "eval", "--policy", put(`policy-${i}-${p.name}.yaml`, p.bytes), "--material", junit, "--kind", "JUNIT_XML"] });
}
// policy eval reads materials too (issue 18: 2.4 GB on one bomb).
for (const h of H.filter((x) => x.family === "zip" || x.family === "tgz")) {
  cases.push({ name: `policy eval on ${h.name}`, args: ["policy", "eval", "--policy", "builtin:junit-no-failures", "--material", join(corpus, h.name), "--kind", "JUNIT_XML"] });
}

let results: Outcome[] = [];

beforeAll(async () => {
  const lanes: Lane[] = [lane(root, 0), lane(root, 1)];
  for (const l of lanes) {
    const init = Bun.spawnSync([BIN, "att", "init", "--workflow", "fuzz", "--project", "fuzz"], { cwd: l.work, env: l.env, stderr: "pipe" });
    if (init.exitCode !== 0) throw new Error(`att init failed: ${init.stderr.toString()}`);
  }
  results = await pool(cases, lanes, (l, c) => runCase(l, c.args));
}, 300_000);

afterAll(() => {
  // CAIRN_FUZZ_REPORT=file.json keeps every case's numbers (code, wall, RSS, the first stderr line) for a look.
  const report = process.env.CAIRN_FUZZ_REPORT;
  if (report) {
    const rows = cases.map((c, i) => ({ name: c.name, code: results[i]?.code, wallMs: Math.round(results[i]?.wallMs ?? 0), rssMiB: Math.round((results[i]?.rssKiB ?? 0) / 1024), err: results[i]?.stderr.split("\n")[0]?.slice(0, 300) }));
    writeFileSync(report, JSON.stringify(rows, null, 1));
  }
  rmSync(root, { recursive: true, force: true });
});

describe(`fuzz (seed ${SEED}, ${cases.length} inputs)`, () => {
  test.each(cases.map((c, i) => [c.name, i] as const))("%s", (_name, i) => {
    const r = results[i]!;
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    const summary = { code: r.code, wallMs: Math.round(r.wallMs), rssMiB: Math.round(r.rssKiB / 1024), errLines: lines.filter((l) => l.startsWith("ERR")).length, strays: r.strays };
    const longest = Math.max(0, ...lines.map((l) => Buffer.byteLength(l)));
    expect({ ...summary, okCode: [0, 1, 2, 4].includes(r.code ?? -1), longestOk: longest <= 1024, fast: r.wallMs <= MAX_WALL_MS, small: r.rssKiB <= MAX_RSS_KIB }).toEqual({
      ...summary,
      errLines: Math.min(summary.errLines, 1),
      strays: [],
      okCode: true,
      longestOk: true,
      fast: true,
      small: true,
    });
  });
});
