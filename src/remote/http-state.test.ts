// The remote crafting adapters against a real server: HTTP state (optimistic locking), HTTP CAS, and the remote flow.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import type { CraftingState } from "../crafter/state/types.ts";
import { apiFixture, sha, type Api } from "../server/api.testutil.ts";
import { addOrgKey } from "../services/control/org-keys.ts";
import { GATED_CONTRACT } from "../services/control/runs.testutil.ts";
import { createWorkflow } from "../services/control/workflows.ts";
import { addMaterial } from "../services/crafting/add.ts";
import type { CraftingDeps } from "../services/crafting/crafting-deps.ts";
import { pushWith } from "../services/crafting/push.ts";
import { StateFile } from "../services/state-file.ts";
import { initRemote } from "../services/crafting/remote.ts";
import { attestationStatus } from "../services/crafting/status.ts";
import { publicKeyPem } from "../signing/keys.ts";
import { expectCode } from "../test-helpers.ts";
import { HttpBlobStore } from "./http-blob-store.ts";
import { RemoteClient } from "./http-client.ts";
import { httpCrafting } from "./http-crafting.ts";
import { HttpStateStore } from "./http-state.ts";

let api: Api;
let dir: string;
beforeAll(async () => {
  api = await apiFixture();
  dir = mkdtempSync(join(tmpdir(), "cairn-remote-"));
  await addOrgKey(api.s.app, { name: "ci", pem: publicKeyPem(api.s.key.publicKey), source: "test" });
});
afterAll(() => api.cleanup());

const client = (token = api.tokens.org) => new RemoteClient({ url: api.url, token });

/** What the remote CLI builds: a config with a control plane, the HTTP CAS and (with an id) the HTTP state. */
function remoteDeps(id: string | undefined, warnings: string[] = []): CraftingDeps {
  const config = loadConfig({ HOME: dir, CAIRN_HOME: join(dir, "home"), CAIRN_CONTROL_PLANE: api.url, CAIRN_TOKEN: api.tokens.org }, {}, dir, false);
  const c = client();
  return {
    config,
    clock: { now: () => new Date() },
    blobs: new HttpBlobStore(c),
    state: id ? new HttpStateStore(c, id) : new StateFile(config.statePath),
    reporter: { warn: (m) => void warnings.push(m) },
    version: "test",
  };
}

async function remoteInit(): Promise<string> {
  const st = await initRemote(remoteDeps(undefined), httpCrafting(client(), { warn: () => {} }), { workflow: "build", project: "p1", dryRun: false, replace: false, remoteState: true });
  return st.attestationId;
}

const file = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return name;
};

describe("HttpStateStore", () => {
  test("concurrent updates from separate clients all land (412 → re-read → re-apply)", async () => {
    const id = await remoteInit();
    const names = Array.from({ length: 8 }, (_, i) => `m${i}`);
    await Promise.all(
      names.map((n) =>
        new HttpStateStore(client(), id, { attempts: 50, baseDelayMs: 2 }).update(async (st: CraftingState) => {
          await Bun.sleep(Math.random() * 10);
          return { state: { ...st, env: { ...st.env, [n]: "1" } }, result: undefined };
        }),
      ),
    );
    expect(Object.keys((await new HttpStateStore(client(), id).read()).env).sort()).toEqual(names);
  });

  test("a PUT from a stale version is 412 STATE_CONFLICT; without If-Match it is 400", async () => {
    const id = await remoteInit();
    const got = await api.req("GET", `/api/v1/attestations/${id}/state`);
    expect([got.status, got.headers.get("etag")]).toEqual([200, '"1"']);
    const put = (v?: string) => api.req("PUT", `/api/v1/attestations/${id}/state`, { raw: got.text, headers: v ? { "If-Match": v } : {} });
    expect((await put('"1"')).headers.get("etag")).toBe('"2"');
    const stale = await put('"1"');
    expect([stale.status, stale.body.error.code]).toEqual([412, "STATE_CONFLICT"]);
    expect((await put()).status).toBe(400);
    const other = await api.req("PUT", `/api/v1/attestations/${id}/state`, { raw: JSON.stringify({ ...got.body, attestationId: "x" }), headers: { "If-Match": '"2"' } });
    expect(other.status).toBe(400);
    expect(await new HttpStateStore(client(), id).writeIf(got.body, 1)).toBeUndefined();
  });

  test("bounded retries give up with STATE_INVALID", async () => {
    const id = await remoteInit();
    const rival = new HttpStateStore(client(), id);
    const e = await expectCode(
      () =>
        new HttpStateStore(client(), id, { attempts: 2, baseDelayMs: 1 }).update(async (st) => {
          await rival.write({ ...st, env: { rival: "yes" } });
          return { state: st, result: undefined };
        }),
      "STATE_INVALID",
    );
    expect(e.hint).toContain("run the command again");
  });
});

describe("remote crafting through the same services", () => {
  test("init --remote-state, concurrent adds with uploads, status, push: stored, verified, the state gone", async () => {
    const id = await remoteInit();
    const adds = ["a", "b", "c", "d"].map((n) =>
      addMaterial(remoteDeps(id), { name: n, kind: "ARTIFACT", value: file(`${n}.bin`, `content ${n}\n`), annotations: {}, strict: true }),
    );
    const added = (await Promise.all(adds)).flat();
    expect(added.map((m) => m.digest)).toEqual(["a", "b", "c", "d"].map((n) => sha(`content ${n}\n`)));
    expect(await new HttpBlobStore(client()).has(sha("content c\n"))).toBe(true); // in the server's CAS
    expect(api.s.app.blobs.pathFor!(sha("content c\n"))).toContain(api.s.dir);
    const view = await attestationStatus(remoteDeps(id));
    expect(view.materials.map((m) => m.name)).toEqual(["a", "b", "c", "d"]);

    const r = await pushWith(remoteDeps(id), httpCrafting(client(), { warn: () => {} }).push, { loadSigning: async () => ({ key: api.s.key.privateKey }), annotations: {} });
    expect(r.storedAt).toBe(`${api.url}/api/v1/runs/${id}/attestation`);
    expect(await api.s.app.repo.getRun(id)).toMatchObject({ state: "succeeded", attestationDigest: r.digest });
    expect(await api.s.app.states.get((await api.s.app.repo.findOrg("default"))!.id, id)).toBeUndefined();
    await expectCode(() => new HttpStateStore(client(), id).read(), "STATE_MISSING");
  });

  test("a push repeated after it was stored (cut off before clearing the state) reports the stored attestation", async () => {
    const deps = remoteDeps(undefined);
    const cp = httpCrafting(client(), { warn: () => {} });
    const state = await initRemote(deps, cp, { workflow: "build", project: "p1", dryRun: false, replace: true, remoteState: false });
    const push = () => pushWith(deps, cp.push, { loadSigning: async () => ({ key: api.s.key.privateKey }), annotations: {} });
    const first = await push();
    await deps.state.write(state); // as if the process died between the server's answer and clearing the state
    const again = await push();
    expect([again.digest, again.runId]).toEqual([first.digest, state.workflow.runId]);
    expect(await deps.state.exists()).toBe(false);
  });

  test("a blocked push cut off the same way: the repeat finds the blocked run, reports it and exits 4 again", async () => {
    writeFileSync(join(api.s.dir, "gated.yaml"), GATED_CONTRACT);
    await createWorkflow(api.s.app, { name: "gate", project: "p1", contract: "gated.yaml" });
    const deps = remoteDeps(undefined);
    const cp = httpCrafting(client(), { warn: () => {} });
    const state = await initRemote(deps, cp, { workflow: "gate", project: "p1", dryRun: false, replace: true, remoteState: false });
    writeFileSync(join(dir, "banned.cdx.json"), readFileSync(join(import.meta.dir, "../../fixtures/policies/sbom/banned.cdx.json")));
    await addMaterial(deps, { name: "sbom", value: "banned.cdx.json", annotations: {}, strict: true });
    const ready = await deps.state.read();
    const push = () => pushWith(deps, cp.push, { loadSigning: async () => ({ key: api.s.key.privateKey }), annotations: {} });
    const first = await expectCode(push, "POLICY_GATE");
    const run = (await api.s.app.repo.getRun(state.workflow.runId!))!;
    expect(run).toMatchObject({ state: "blocked", policyStatus: "blocked" });
    await deps.state.write(ready);
    const again = await expectCode(push, "POLICY_GATE");
    expect([again.message, again.details]).toEqual([first.message, first.details]);
    expect(await api.s.app.repo.getRun(run.id)).toEqual(run);
    expect(await deps.state.exists()).toBe(false);
  });

  test("HttpBlobStore refuses a server that answers another digest", async () => {
    const lying = new RemoteClient({ url: "http://x", token: "t" }, (async () => Response.json({ digest: sha("other"), size: 5 }, { status: 201 })) as unknown as typeof fetch);
    await expectCode(() => new HttpBlobStore(lying).putBytes(new TextEncoder().encode("bytes")), "INTEGRITY");
  });
});
