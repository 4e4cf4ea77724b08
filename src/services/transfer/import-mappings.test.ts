// Import and CAS mappings: an imported attestation's bundle and blobs become its workflow's, and a tar cannot claim
// a blob it leaves out merely because another organization's bytes are in this CAS.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { uploadArtifact } from "../control/artifacts.ts";
import { counts } from "../control/ingest.testutil.ts";
import { pushRun, testStore } from "../control/runs.testutil.ts";
import type { ServiceDeps } from "../deps.ts";
import type { PushResult } from "../crafting/push.ts";
import { exportEvidence } from "./export.ts";
import { importEvidence } from "./import.ts";
import { rewriteTar, type TarEntry } from "./tar.testutil.ts";

const sha = (b: string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const APP = "imported binary\n";
const a = await testStore();
const b = await testStore();
const victim: ServiceDeps = { ...b.app, config: { ...b.app.config, organization: "victim" } };
let pushed: PushResult;
afterAll(() => {
  a.cleanup();
  b.cleanup();
});

beforeAll(async () => {
  a.file("app.bin", APP);
  pushed = await pushRun(a, "build", "skynet", [{ name: "binary", kind: "ARTIFACT", value: "app.bin" }]);
  await exportEvidence(a.app, { output: "evidence.tar" });
  b.file("app.bin", APP);
  await uploadArtifact(victim, { path: "app.bin" }); // in B's CAS, organization victim's
});

/** The export without the blob entry (and its manifest line). */
const withoutBlob = (es: TarEntry[]) => {
  const blob = `blobs/sha256/${sha(APP).slice(7)}`;
  const m = es.at(-1)!;
  const manifest = JSON.parse(m.body.toString());
  manifest.entries = manifest.entries.filter((x: { name: string }) => x.name !== blob);
  return [...es.filter((e) => e.header.name !== blob && e !== m), { header: m.header, body: Buffer.from(JSON.stringify(manifest)) }];
};

test("a tar leaving out a blob only another organization holds is refused, whatever is in the CAS", async () => {
  await rewriteTar(join(a.dir, "evidence.tar"), join(b.dir, "noblob.tar"), withoutBlob);
  const before = counts(b.app);
  const e = await expectCode(() => importEvidence(b.app, { file: "noblob.tar", trustedKeys: [a.key.publicKey], allowUnsigned: true }), "VERIFY_FAILED");
  expect(e.message).toContain(`blobs/sha256/${sha(APP).slice(7)}: is missing: attestation ${pushed.digest} marks it as uploaded and organization default does not hold it either`);
  expect(counts(b.app)).toEqual(before);
});

test("an import maps each bundle and stored material to the imported workflow and project (source import)", async () => {
  await importEvidence(b.app, { file: join(a.dir, "evidence.tar"), trustedKeys: [a.key.publicKey], allowUnsigned: true });
  const org = (await b.app.repo.findOrg("default"))!.id;
  const wf = (await b.app.repo.findWorkflow(org, "skynet", "build"))!;
  const scope = { projectId: wf.projectId, workflowId: wf.id };
  for (const d of [pushed.digest, sha(APP)]) expect([await b.app.casMappings.holds(org, d, scope), await b.app.casMappings.holds(org, d, { projectId: "elsewhere" })]).toEqual([true, false]);
  expect(await b.app.casMappings.nameFor(org, sha(APP), scope)).toBe("app.bin");
  const db = new Database(join(b.app.config.home, "cairn.db"), { readonly: true });
  expect(db.query("SELECT DISTINCT source FROM cas_mappings WHERE org_id = ?").all(org)).toEqual([{ source: "import" }]);
  db.close();
  // now that default holds the blob, a tar leaving it out imports (nothing new: the run is already here)
  expect((await importEvidence(b.app, { file: "noblob.tar", trustedKeys: [a.key.publicKey], allowUnsigned: true })).runs.alreadyPresent).toBe(1);
});
