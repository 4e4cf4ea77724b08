// Test support for the org, token, fsck and gc service tests: a real store in a temp home, filled through the services.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../config.ts";
import { createAppContext, type AppContext } from "../../context.ts";
import { generateKeyPair, type KeyPair } from "../../signing/keys.ts";
import type { SigningMethod } from "../../signing/sign.ts";
import type { Clock } from "../deps.ts";
import { addMaterial } from "../crafting/add.ts";
import { initAttestation } from "../crafting/init.ts";
import { pushAttestation } from "../crafting/push.ts";
import { addOrgKey } from "./org-keys.ts";

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
  async open(env: Record<string, string> = {}, clock?: Clock): Promise<AppContext> {
    const config = loadConfig({ HOME: this.dir, CAIRN_HOME: this.home, ...env }, {}, this.dir, false);
    const app = await createAppContext(config, clock ? { clock } : {});
    this.apps.push(app);
    return app;
  }

  /**
   * init → add one ARTIFACT file (stored in the CAS) → push, signed with the store's key unless `signing` says
   * otherwise. Returns the bundle and material digests.
   */
  async push(app: AppContext, workflow: string, project: string, content: string, signing?: () => Promise<SigningMethod>): Promise<{ bundle: string; material: string }> {
    await initAttestation(app, { workflow, project, dryRun: false, replace: false });
    const file = join(this.dir, `${workflow}-${Date.now()}-${Math.random()}.bin`);
    writeFileSync(file, content);
    const [m] = await addMaterial(app, { name: "binary", value: file, kind: "ARTIFACT", annotations: {}, strict: false });
    const r = await pushAttestation(app, { loadSigning: signing ?? (async () => ({ key: this.key.privateKey })), annotations: {} });
    return { bundle: r.digest, material: m!.digest };
  }

  /** Registers the store's public key in the organization (`org key add`): what fsck verifies key-signed bundles with. */
  async registerKey(app: AppContext, name = "ci"): Promise<void> {
    await addOrgKey(app, { name, pem: this.key.publicKey.export({ type: "spki", format: "pem" }).toString(), source: "test key" });
  }

  blobPath(digest: string): string {
    const hex = digest.slice(7);
    return join(this.home, "cas", "sha256", hex.slice(0, 2), hex);
  }

  async cleanup(): Promise<void> {
    for (const a of this.apps) await a.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
