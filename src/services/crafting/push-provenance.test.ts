import { afterAll, describe, expect, test } from "bun:test";
import { CairnError } from "../../errors.ts";
import { SLSA_PROVENANCE_V1 } from "../../slsa/provenance.ts";
import { storedStatement } from "../stored-bundle.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { addMaterial } from "./add.ts";
import { initAttestation } from "./init.ts";
import { localPushTarget, pushAttestation, pushWith, type PushInput, type PushTarget } from "./push.ts";
import { runProvenance } from "./record-provenance.ts";
import { discover } from "../control/discover.ts";

const stores: TestStore[] = [];
afterAll(() => stores.forEach((s) => s.cleanup()));

const CONTRACT = "schemaVersion: v1\nmaterials:\n  - {name: app, type: ARTIFACT, output: true}\n  - {name: notes, type: ARTIFACT}\n";

async function crafted(): Promise<TestStore> {
  const s = await testStore();
  stores.push(s);
  await initAttestation(s.app, { workflow: "build", project: "p", contract: s.file("contract.yaml", CONTRACT), dryRun: false, replace: true });
  await addMaterial(s.app, { name: "app", value: s.file("app.bin", "app\n"), annotations: {}, strict: true });
  await addMaterial(s.app, { name: "notes", value: s.file("notes.txt", "notes\n"), annotations: {}, strict: true });
  return s;
}

const input = (s: TestStore, extra: Partial<PushInput> = {}): PushInput => ({ loadSigning: async () => ({ key: s.key.privateKey }), annotations: {}, ...extra });

describe("push: SLSA provenance beside the attestation", () => {
  test("stored as the run's second attestation, naming the first; the output is its subject, the input a dependency", async () => {
    const s = await crafted();
    const r = await pushAttestation(s.app, input(s));
    const row = (await runProvenance(s.app, r.runId!))!;
    expect(row.digest).toBe(r.provenance!.digest);
    expect((await s.app.repo.runAttestations(r.runId!)).map((a) => a.predicateType)).toEqual(["https://cairn.dev/attestation/v0.1", SLSA_PROVENANCE_V1]);
    const st = storedStatement(await s.app.blobs.read(row.digest), row.digest);
    expect(st.subject.map((x) => x.name)).toEqual(["app.bin"]);
    const deps = (st.predicate.buildDefinition as { resolvedDependencies: { name?: string }[] }).resolvedDependencies;
    expect(deps.map((d) => d.name)).toContain("notes");
    // Both ways in the graph: the artifact leads to both attestations; each names the other.
    const app = r.statement.subject.find((x) => x.name === "app.bin")!;
    expect((await discover(s.app, { digest: `sha256:${app.digest.sha256}` })).referredBy.map((n) => n.digest).sort()).toEqual([r.digest, row.digest].sort());
    expect((await discover(s.app, { digest: row.digest })).references.map((n) => n.digest)).toContain(r.digest);
    expect((await discover(s.app, { digest: r.digest })).references.map((n) => n.digest)).toContain(row.digest);
  });

  test("a push cut off after the attestation was stored stores the provenance when repeated, once", async () => {
    const s = await crafted();
    let calls = 0;
    // The local target, with its provenance step failing the first time (as a kill between the two would).
    const target = localPushTarget(s.app);
    const failing: PushTarget = {
      ...target,
      provenance: {
        stored: target.provenance!.stored,
        record: async (p) => {
          if (calls++ === 0) throw new CairnError("NETWORK", "killed");
          return target.provenance!.record(p);
        },
      },
    };
    await expect(pushWith(s.app, failing, input(s))).rejects.toThrow("killed");
    const run = (await s.app.repo.getRun(s.app.state.read().workflow.runId!))!;
    expect(run.state).toBe("succeeded");
    expect((await runProvenance(s.app, run.id))).toBeUndefined();
    const again = await pushWith(s.app, failing, input(s));
    expect(again.digest).toBe(run.attestationDigest!);
    expect(again.provenance?.digest).toBe((await runProvenance(s.app, run.id))!.digest);
    expect(await s.app.repo.runAttestations(run.id)).toHaveLength(2);
  });

  test("--provenance none: only the attestation", async () => {
    const s = await crafted();
    const r = await pushAttestation(s.app, input(s, { provenance: { enabled: false } }));
    expect(r.provenance).toBeUndefined();
    expect(await s.app.repo.runAttestations(r.runId!)).toHaveLength(1);
  });
});
