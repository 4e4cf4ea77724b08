// Test support for the org, token, fsck and gc service tests: a real store in a temp home, filled through the services.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../config.ts";
import { createAppContext, type AppContext } from "../../context.ts";
import { generateKeyPair, type KeyPair } from "../../signing/keys.ts";
import type { Clock } from "../deps.ts";
import { addMaterial } from "../crafting/add.ts";
import { initAttestation } from "../crafting/init.ts";
import { pushAttestation } from "../crafting/push.ts";

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public t = new Date("2025-01-01T00:00:00.000Z")) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export class TempStore {
  readonly dir = mkdtempSync(join(tmpdir(), "cairn-org-store-"));
  readonly home = join(this.dir, "home");
  readonly key: KeyPair = generateKeyPair("ed25519");
  private apps: AppContext[] = [];

  /** A fresh context on the same home (as each CLI invocation gets), with extra env vars and an optional clock. */
  open(env: Record<string, string> = {}, clock?: Clock): AppContext {
    const config = loadConfig({ HOME: this.dir, CAIRN_HOME: this.home, ...env }, {}, this.dir, false);
    const app = createAppContext(config, clock ? { clock } : {});
    this.apps.push(app);
    return app;
  }

  /** init → add one ARTIFACT file (stored in the CAS) → push. Returns the bundle and material digests. */
  async push(app: AppContext, workflow: string, project: string, content: string): Promise<{ bundle: string; material: string }> {
    await initAttestation(app, { workflow, project, dryRun: false, replace: false });
    const file = join(this.dir, `${workflow}-${Date.now()}-${Math.random()}.bin`);
    writeFileSync(file, content);
    const [m] = await addMaterial(app, { name: "binary", value: file, kind: "ARTIFACT", annotations: {}, strict: false });
    const r = await pushAttestation(app, { loadSigning: async () => ({ key: this.key.privateKey }), annotations: {} });
    return { bundle: r.digest, material: m!.digest };
  }

  blobPath(digest: string): string {
    const hex = digest.slice(7);
    return join(this.home, "cas", "sha256", hex.slice(0, 2), hex);
  }

  cleanup(): void {
    for (const a of this.apps) a.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
