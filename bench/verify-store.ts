// The store the verify bench measures: 1,000,000 attestations (BENCH_VERIFY_TOTAL), 1,000 of which (real pushes of
// app/build, signed bundles in the CAS) reference one artifact, the target, as a material and a subject. The other
// 999,000 are rows only (verify-rows.ts), spread over 1,000 workflows in 50 projects, each referencing a material of
// its own. Cached under .bench/verify-store-<version>/ (git-ignored); BENCH_VERIFY_REGEN=1 or a missing manifest
// regenerates it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createAppContext, type AppContext } from "../src/context.ts";
import { addOrgKey } from "../src/services/control/org-keys.ts";
import { createToken } from "../src/services/control/tokens.ts";
import { createWorkflow } from "../src/services/control/workflows.ts";
import { addMaterial } from "../src/services/crafting/add.ts";
import { initAttestation } from "../src/services/crafting/init.ts";
import { pushAttestation } from "../src/services/crafting/push.ts";
import { generateKeyPair, publicKeyPem, type KeyPair } from "../src/signing/keys.ts";
import { MIGRATIONS } from "../src/store/sqlite/migrations/index.ts";
import { checkVerifyStore } from "./verify-check.ts";
import { RowWriter, type RowWorkflow } from "./verify-rows.ts";

/** Bump GENERATOR when the store's shape changes; the schema version regenerates it when migrations are added. */
const GENERATOR = 3;
export const STORE_VERSION = `g${GENERATOR}-s${MIGRATIONS.length}`;

const PROJECTS = 50;
const WORKFLOWS_PER_PROJECT = 20;
const CHUNKS = 10;
/** Slot i is at T0 + i × 30 s; every 1,000th slot (i % 1000 = 500) is a real push, so they spread over the year. */
const T0 = Date.parse("2025-12-01T00:00:00Z");
const STEP_MS = 30_000;
const WORKFLOW_NAMES = ["build", "test", "release", "lint", "package", "deploy", "docs", "e2e", "scan", "sbom"];

export interface VerifyStore {
  home: string;
  /** "sha256:<hex>" of the artifact the 1,000 real attestations reference. */
  target: string;
  /** A viewer token for `cairn serve` on this home. */
  viewerToken: string;
  /** The signing public key (PEM), also registered in the organization. */
  publicKeyPem: string;
  total: number;
  /** How many attestations reference the target (total / 1,000). */
  targetReferrers: number;
  /** Seconds the generation took, and of that the real pushes (as recorded when it was generated). */
  generatedS: number;
  pushS: number;
  cached: boolean;
}

export interface StoreOptions {
  /** Where the cache lives; default <repo>/.bench. */
  root?: string;
  regen?: boolean;
  /** A multiple of 100,000 (smaller stores are for trying the generator); its own cache directory. */
  total?: number;
}

/** The cached store, generated first when missing or when BENCH_VERIFY_REGEN=1. */
export async function verifyStore(opts: StoreOptions = {}): Promise<VerifyStore> {
  const total = opts.total ?? 1_000_000;
  if (!Number.isInteger(total / 100_000) || total <= 0) throw new Error(`verify bench: ${total} attestations is not a multiple of 100,000`);
  const root = opts.root ?? join(import.meta.dir, "..", ".bench");
  const dir = join(root, `verify-store-${STORE_VERSION}${total === 1_000_000 ? "" : `-${total}`}`);
  const manifest = join(dir, "manifest.json");
  if (!(opts.regen ?? process.env.BENCH_VERIFY_REGEN === "1") && existsSync(manifest)) return { ...(JSON.parse(readFileSync(manifest, "utf8")) as VerifyStore), home: join(dir, "home"), cached: true };
  rmSync(dir, { recursive: true, force: true });
  removeStale(root);
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const store = await generate(dir, total);
  const generatedS = (performance.now() - t0) / 1000;
  const { home, ...kept } = { ...store, generatedS };
  writeFileSync(manifest, JSON.stringify(kept, null, 2)); // written last: its presence marks a complete store
  return { ...kept, home, cached: false };
}

/** Stores of other generator or schema versions (3.5 GB each at 1,000,000) are never read again. */
function removeStale(root: string): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const m = /^verify-store-(g\d+-s\d+)(-\d+)?$/.exec(name);
    if (m && m[1] !== STORE_VERSION) rmSync(join(root, name), { recursive: true, force: true });
  }
}

async function generate(dir: string, total: number): Promise<Omit<VerifyStore, "generatedS" | "cached">> {
  const targetReferrers = total / 1000;
  const home = join(dir, "home");
  // Outside any git checkout, so the runs record no git head of the bench's own worktree.
  const cwd = mkdtempSync(join(tmpdir(), "cairn-verify-gen-"));
  let now = T0 - 86_400_000;
  const app = await createAppContext(loadConfig({ HOME: cwd, CAIRN_HOME: home }, {}, cwd, false), { clock: { now: () => new Date(now) } });
  try {
    const key = generateKeyPair("ed25519");
    await addOrgKey(app, { name: "ci", pem: publicKeyPem(key.publicKey), source: "bench" });
    const viewerToken = (await createToken(app, { name: "bench-viewer", role: "viewer" })).token;
    const artifact = join(dir, "app.bin");
    writeFileSync(artifact, "the artifact every app/build run attests\n".repeat(1000));
    // app/build's contract declares the artifact an output: each statement names it as a material and a subject.
    writeFileSync(join(cwd, "build.yaml"), "schemaVersion: v1\nmaterials:\n  - {type: ARTIFACT, name: binary, output: true}\n");
    await createWorkflow(app, { name: "build", project: "app", contract: "build.yaml" });
    const workflows = await rowWorkflows(app);
    const pushS = await fill(app, { home, artifact, key, workflows, total, setNow: (t) => (now = t) });
    const target = `sha256:${new Bun.CryptoHasher("sha256").update(readFileSync(artifact)).digest("hex")}`;
    await checkVerifyStore(app, { target, total, targetReferrers, workflows: workflows.length + 1, projects: PROJECTS + 1 });
    return { home, target, viewerToken, publicKeyPem: publicKeyPem(key.publicKey), total, targetReferrers, pushS };
  } finally {
    await app.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}

interface FillInput {
  home: string;
  artifact: string;
  key: KeyPair;
  workflows: RowWorkflow[];
  total: number;
  setNow: (t: number) => void;
}

/**
 * CHUNKS rounds of: this chunk's real pushes (one per 1,000 slots, at their slots' times), then its rows in one
 * transaction. Returns the seconds the real pushes took.
 */
async function fill(app: AppContext, x: FillInput): Promise<number> {
  const perChunk = x.total / CHUNKS;
  const t0 = performance.now();
  let pushMs = 0;
  const rows = new RowWriter(join(x.home, "cairn.db"));
  try {
    for (let c = 0; c < CHUNKS; c++) {
      const p0 = performance.now();
      for (let slot = c * perChunk + 500; slot < (c + 1) * perChunk; slot += 1000) {
        await realPush(app, x.artifact, x.key, (ms) => x.setNow(T0 + slot * STEP_MS + ms));
      }
      pushMs += performance.now() - p0;
      rows.insert({ workflows: x.workflows, from: c * perChunk, to: (c + 1) * perChunk, t0: T0, stepMs: STEP_MS });
      const took = `${((performance.now() - t0) / 1000).toFixed(0)} s, real pushes ${(pushMs / 1000).toFixed(1)} s`;
      console.error(`  verify store: ${((c + 1) * perChunk).toLocaleString("en")} attestations (${took})`);
    }
  } finally {
    rows.close();
  }
  return pushMs / 1000;
}

/** init → add the artifact (the contract's `binary`, uploaded to the CAS) → push signed with the key, as the CLI does; `at` sets the clock. */
async function realPush(app: AppContext, artifact: string, key: KeyPair, at: (ms: number) => void): Promise<void> {
  at(0);
  await initAttestation(app, { workflow: "build", project: "app", dryRun: false, replace: false });
  at(1000);
  await addMaterial(app, { name: "binary", kind: "ARTIFACT", value: artifact, annotations: {}, strict: true });
  at(2000);
  // Without SLSA provenance: the target has exactly 1,000 attestations, as the issue's target says.
  await pushAttestation(app, { loadSigning: async () => ({ key: key.privateKey }), annotations: {}, provenance: { enabled: false } });
}

/** The 1,000 workflows of the row-only attestations (`workflow create`, each with its default contract). */
async function rowWorkflows(app: AppContext): Promise<RowWorkflow[]> {
  const out: RowWorkflow[] = [];
  for (let p = 0; p < PROJECTS; p++) {
    for (let w = 0; w < WORKFLOWS_PER_PROJECT; w++) {
      const project = `project-${String(p).padStart(2, "0")}`;
      const name = `${WORKFLOW_NAMES[w % WORKFLOW_NAMES.length]}${w < WORKFLOW_NAMES.length ? "" : "-2"}`;
      const wf = await createWorkflow(app, { name, project });
      out.push({ id: wf.id, name, project, contractName: wf.contractName, contractRevision: wf.contractLatestRevision });
    }
  }
  return out;
}
