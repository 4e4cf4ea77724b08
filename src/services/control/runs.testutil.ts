// Test support for the run, discover and artifact services: a real store in a temp dir and real pushes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../config.ts";
import { isCairnError } from "../../errors.ts";
import { createAppContext, type AppContext } from "../../context.ts";
import { generateKeyPair, type KeyPair } from "../../signing/keys.ts";
import { addMaterial } from "../crafting/add.ts";
import { initAttestation } from "../crafting/init.ts";
import { pushAttestation, type PushResult } from "../crafting/push.ts";

export interface TestStore {
  app: AppContext;
  dir: string;
  key: KeyPair;
  /** Moves the injected clock (starts at 2025-01-01T00:00:00Z). */
  advance(ms: number): void;
  file(name: string, content: string | Uint8Array): string;
  cleanup(): void;
}

export async function testStore(env: Record<string, string> = {}): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-control-"));
  let t = Date.parse("2025-01-01T00:00:00Z");
  const config = loadConfig({ HOME: dir, CAIRN_HOME: join(dir, "home"), ...env }, {}, dir, false);
  const app = await createAppContext(config, { clock: { now: () => new Date(t) } });
  return {
    app,
    dir,
    key: generateKeyPair("ed25519"),
    advance: (ms) => void (t += ms),
    file: (name, content) => {
      writeFileSync(join(dir, name), content);
      return name;
    },
    cleanup: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface MaterialSpec {
  name: string;
  kind: string;
  value: string;
}

/** init → add each material → push, as the CLI does; each step one second after the previous run. */
export async function pushRun(s: TestStore, workflow: string, project: string, materials: MaterialSpec[]): Promise<PushResult> {
  await startRun(s, workflow, project);
  for (const m of materials) await addMaterial(s.app, { name: m.name, kind: m.kind, value: m.value, annotations: {}, strict: true });
  const r = await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });
  s.advance(1000);
  return r;
}

/** init only: the run stays initialized. */
export async function startRun(s: TestStore, workflow: string, project: string): Promise<string> {
  const st = await initAttestation(s.app, { workflow, project, dryRun: false, replace: true });
  return st.workflow.runId!;
}

/** A contract gating an SBOM on a banned license (AGPL-3.0-only): `banned.cdx.json` violates it, `clean.cdx.json` not. */
export const GATED_CONTRACT = `apiVersion: cairn.dev/v1
kind: Contract
metadata:
  name: gated
spec:
  materials:
    - {type: SBOM_CYCLONEDX_JSON, name: sbom}
  policies:
    materials:
      - ref: builtin:banned-licenses
        selector: { name: sbom }
        with: { licenses: AGPL-3.0-only }
        gate: true
`;

const SBOMS = join(import.meta.dir, "../../../fixtures/policies/sbom");

/**
 * init → add the SBOM → push, for a workflow using GATED_CONTRACT (written as gated.yaml on first use). A banned SBOM
 * without the bypass is blocked: the push raises POLICY_GATE after storing, which is swallowed here. Returns the run id.
 */
export async function pushGated(s: TestStore, workflow: string, project: string, sbom: "banned" | "clean", bypass = false): Promise<string> {
  s.file("gated.yaml", GATED_CONTRACT);
  s.file(`${sbom}.cdx.json`, readFileSync(join(SBOMS, `${sbom}.cdx.json`)));
  const st = await initAttestation(s.app, { workflow, project, contract: "gated.yaml", dryRun: false, replace: true });
  await addMaterial(s.app, { name: "sbom", value: `${sbom}.cdx.json`, annotations: {}, strict: true });
  try {
    await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {}, bypassPolicyCheck: bypass });
  } catch (e) {
    if (!isCairnError(e, "POLICY_GATE")) throw e;
  }
  s.advance(1000);
  return st.workflow.runId!;
}
