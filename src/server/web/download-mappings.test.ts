// The operator view's downloads and download links go through the CAS mappings, as the API's do.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pushRun, testStore } from "../../services/control/runs.testutil.ts";
import { createToken } from "../../services/control/tokens.ts";
import type { PushResult } from "../../services/crafting/push.ts";
import { expectCode } from "../../test-helpers.ts";
import { serveWeb } from "./context.testutil.ts";
import { downloadResponse } from "./download.ts";
import { webHandler } from "./index.ts";

const sha = (b: string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const s = await testStore();
let p1: PushResult;
let cookie = "";
beforeAll(async () => {
  s.file("kept.bin", "kept\n");
  s.file("unmapped.bin", "unmapped\n");
  p1 = await pushRun(s, "build", "p1", [
    { name: "kept", kind: "ARTIFACT", value: "kept.bin" },
    { name: "unmapped", kind: "ARTIFACT", value: "unmapped.bin" },
  ]);
  await pushRun(s, "deploy", "p2", []);
  cookie = `cairn_session=${(await createToken(s.app, { name: "operator" })).token}`;
  // As migration 012 leaves a material another organization held first: stored, in the graph, but not this one's.
  const db = new Database(join(s.app.config.home, "cairn.db"));
  db.query("DELETE FROM cas_mappings WHERE digest = ?").run(sha("unmapped\n"));
  db.close();
});
afterAll(() => s.cleanup());

const get = (path: string) => serveWeb(webHandler, s.app, new Request(`http://127.0.0.1${path}`, { headers: { cookie } }));

test("the run page links only what the organization holds; a referenced but unmapped blob is 'digest only' and not served", async () => {
  const page = await (await get(`/runs/${p1.runId}`)).text();
  expect(page).toContain(`/download/${encodeURIComponent(sha("kept\n"))}?run=`);
  expect(page).not.toContain(`/download/${encodeURIComponent(sha("unmapped\n"))}`);
  expect(page).toContain("digest only");
  const kept = await get(`/download/${sha("kept\n")}?run=${p1.runId}`);
  expect([kept.status, await kept.text()]).toEqual([200, "kept\n"]); // read to the end: an unread body holds the file open
  expect((await get(`/download/${sha("unmapped\n")}?run=${p1.runId}`)).status).toBe(404);
  expect(await s.app.blobs.has(sha("unmapped\n"))).toBe(true); // the bytes are there: the mapping decides
});

test("with a scope: another project's material and bundle are refused as absent ones are", async () => {
  const org = (await s.app.repo.findOrg("default"))!.id;
  const p2 = { projectId: (await s.app.orgs.findProject(org, "p2"))!.id };
  const p1scope = { projectId: (await s.app.orgs.findProject(org, "p1"))!.id };
  const own = await downloadResponse(s.app, sha("kept\n"), p1.runId!, p1scope);
  expect([own.status, await own.text()]).toEqual([200, "kept\n"]);
  const absent = await expectCode(() => downloadResponse(s.app, sha("unmapped\n"), p1.runId!, p1scope), "NOT_FOUND");
  expect(absent.message).toBe(`no artifact ${sha("unmapped\n")} in organization default within this token's scope`);
  // outside the scope the run itself is absent: the answer is the one for a run that does not exist
  const noRun = crypto.randomUUID();
  for (const d of [sha("kept\n"), p1.digest]) {
    const e = await expectCode(() => downloadResponse(s.app, d, p1.runId!, p2), "NOT_FOUND");
    const none = await expectCode(() => downloadResponse(s.app, d, noRun, p2), "NOT_FOUND");
    expect(e.message.replace(p1.runId!, "<run>")).toBe(none.message.replace(noRun, "<run>"));
  }
});
