import { afterEach, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { TempStore } from "../control/store-fixture.testutil.ts";
import { addMaterial } from "./add.ts";
import { initAttestation } from "./init.ts";
import { pushAttestation } from "./push.ts";

let store: TempStore;
afterEach(() => store.cleanup());

async function ready(env: Record<string, string> = {}) {
  const app = await store.open(env);
  await initAttestation(app, { workflow: "build", project: "skynet", dryRun: false, replace: false });
  writeFileSync(join(store.dir, "bin"), "evidence\n");
  const [m] = await addMaterial(app, { name: "binary", value: join(store.dir, "bin"), kind: "ARTIFACT", annotations: {}, strict: false });
  return { app, material: m! };
}

const signing = () => ({ loadSigning: async () => ({ key: store.key.privateKey }), annotations: {} });

test("push refuses, keeping the state, when a material it uploaded is gone from the CAS", async () => {
  store = new TempStore();
  const { app, material } = await ready({ CAIRN_STATE_PATH: join(store.dir, "job.state.json") });
  rmSync(store.blobPath(material.digest));
  const e = await expectCode(() => pushAttestation(app, signing()), "MATERIALS_MISSING");
  expect(e.message).toContain(`binary (${material.digest})`);
  expect(app.state.exists()).toBe(true);
  expect(await app.repo.runAttestations(app.state.read().workflow.runId!)).toEqual([]);
  await addMaterial(app, { name: "binary", value: join(store.dir, "bin"), kind: "ARTIFACT", annotations: {}, strict: false });
  expect((await pushAttestation(app, signing())).dryRun).toBe(false);
});

test("push again after a push answers with the stored attestation, signs nothing, rewrites --bundle", async () => {
  store = new TempStore();
  const { app } = await ready();
  const first = await pushAttestation(app, signing());
  const warnings: string[] = [];
  const again = await store.open();
  again.reporter = { warn: (m) => warnings.push(m) };
  const bundlePath = join(store.dir, "again.bundle.json");
  const second = await pushAttestation(again, { ...signing(), bundlePath });
  expect([second.digest, second.runId, second.statement]).toEqual([first.digest, first.runId, first.statement]);
  expect(warnings).toEqual([expect.stringContaining(`already pushed: ${first.digest}`)]);
  expect(new Bun.CryptoHasher("sha256").update(await Bun.file(bundlePath).bytes()).digest("hex")).toBe(first.digest.slice(7));
  expect((await again.repo.runAttestations(first.runId!)).map((a) => a.digest)).toContain(first.digest);
  expect((await again.repo.runAttestations(first.runId!)).length).toBe((await app.repo.runAttestations(first.runId!)).length);
  // A new attestation starts from scratch: the receipt answers no more.
  await initAttestation(again, { workflow: "build", project: "skynet", dryRun: false, replace: false });
  expect(again.state.pushed()).toBeUndefined();
  expect((await pushAttestation(again, signing())).digest).not.toBe(first.digest);
});
