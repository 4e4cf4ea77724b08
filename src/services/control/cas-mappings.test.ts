// CAS mappings through the services: written where bytes arrive through a scope, and the one authority for
// downloads and for citing a blob as uploaded in a verified push.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { CairnError } from "../../errors.ts";
import type { Scope } from "../../store/ports.ts";
import { expectCode } from "../../test-helpers.ts";
import type { ServiceDeps } from "../deps.ts";
import { artifactName, downloadArtifact, openArtifact, uploadArtifact, uploadStream } from "./artifacts.ts";
import { ingestBundle } from "./ingest.ts";
import { counts, craft, register } from "./ingest.testutil.ts";
import { pushRun, testStore } from "./runs.testutil.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
async function* once(b: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(b);
}

const s = await testStore();
const app = s.app;
const other: ServiceDeps = { ...app, config: { ...app.config, organization: "other" } };
afterAll(() => s.cleanup());

const orgId = async (deps: ServiceDeps = app) => (await deps.repo.findOrg(deps.config.organization))!.id;
const project = async (name: string): Promise<Scope> => ({ projectId: (await app.orgs.findProject(await orgId(), name))!.id });
const workflow = async (p: string, w: string): Promise<Scope> => ({ ...(await project(p)), workflowId: (await app.repo.findWorkflow(await orgId(), p, w))!.id });
const mappings = () => {
  const db = new Database(join(app.config.home, "cairn.db"), { readonly: true });
  try {
    return db.query("SELECT org_id AS o, digest AS d, project_id AS p, workflow_id AS w, source AS s, name AS n FROM cas_mappings ORDER BY id").all() as Record<string, string | null>[];
  } finally {
    db.close();
  }
};
const upload = (content: string, scope?: Scope, deps: ServiceDeps = app, name = "f.bin") => uploadStream(deps, { chunks: once(content), name, maxBytes: 1 << 20, scope });
/** The refusal's text with the digest replaced, to compare refusals for different digests. */
const shape = (e: CairnError, digest: string) => JSON.stringify([e.code, e.message, e.hint, e.details]).replaceAll(digest, "<digest>");

beforeAll(async () => {
  s.file("p1.bin", "p1 material\n");
  s.file("p2.bin", "p2 material\n");
  await pushRun(s, "build", "p1", [
    { name: "bin", kind: "ARTIFACT", value: "p1.bin" },
    { name: "ref", kind: "STRING", value: "v1" },
  ]);
  await pushRun(s, "deploy", "p2", [{ name: "bin", kind: "ARTIFACT", value: "p2.bin" }]);
  await register(app, "ci", s.key.publicKey);
  await register(other, "ci", s.key.publicKey);
});

describe("writing mappings where bytes arrive", () => {
  test("a push maps its bundle and stored materials to its workflow and project; a STRING is not mapped", async () => {
    const run = (await app.runs.list({ orgId: await orgId(), workflow: "build", limit: 1 }))[0]!;
    const w = await workflow("p1", "build");
    const rows = mappings().filter((m) => m.w === w.workflowId);
    expect(rows.map((m) => [m.d, m.p, m.s, m.n]).sort()).toEqual(
      [
        [run.attestationDigest, w.projectId, "attestation", null],
        [sha("p1 material\n"), w.projectId, "attestation", "p1.bin"],
      ].sort(),
    );
    expect(await app.casMappings.holds(await orgId(), sha("v1"))).toBe(false);
  });

  test("local artifact upload is organization-wide; API uploads are narrowed to the token's project / workflow", async () => {
    s.file("local.bin", "local upload\n");
    await uploadArtifact(app, { path: "local.bin" });
    await upload("by a p1 token\n", await project("p1"));
    await upload("by a p1/build token\n", await workflow("p1", "build"));
    await upload("by an org token\n");
    const find = (c: string) => mappings().filter((m) => m.d === sha(c)).map((m) => [m.p, m.w, m.s]);
    expect(find("local upload\n")).toEqual([[null, null, "upload"]]);
    expect(find("by a p1 token\n")).toEqual([[(await project("p1")).projectId, null, "upload"]]);
    expect(find("by a p1/build token\n")).toEqual([[(await project("p1")).projectId, (await workflow("p1", "build")).workflowId, "upload"]]);
    expect(find("by an org token\n")).toEqual([[null, null, "upload"]]);
  });
});

describe("downloads: only through a mapping the caller's scope sees, else one fixed NOT_FOUND", () => {
  test("a project token cannot read another project's material or raw upload, nor an organization-wide upload", async () => {
    const p1Material = sha("p1 material\n");
    await upload("p1 raw\n", await project("p1"));
    await upload("org raw\n");
    const reads = async (digest: string, scope?: Scope) => openArtifact(app, { digest, scope }).then((b) => b.name, (e: CairnError) => e.code);
    expect(await reads(p1Material, await project("p1"))).toBe("p1.bin");
    expect(await reads(p1Material, await workflow("p1", "build"))).toBe("p1.bin");
    expect(await reads(p1Material, await project("p2"))).toBe("NOT_FOUND");
    expect(await reads(sha("p1 raw\n"), await project("p1"))).toBe("f.bin");
    expect(await reads(sha("p1 raw\n"), await workflow("p1", "build"))).toBe("NOT_FOUND"); // project-wide is not the workflow's
    expect(await reads(sha("p1 raw\n"), await project("p2"))).toBe("NOT_FOUND");
    expect(await reads(sha("org raw\n"), await project("p1"))).toBe("NOT_FOUND");
    expect(await reads(sha("org raw\n"))).toBe("f.bin");
    expect(await reads(sha("p1 raw\n"))).toBe("f.bin"); // organization-level sees the whole organization
  });

  test("the same bytes uploaded by two projects: each downloads them under its own name", async () => {
    await upload("same bytes\n", await project("p1"), app, "p1-plan.pdf");
    await upload("same bytes\n", await project("p2"), app, "p2-copy.pdf");
    expect(await artifactName(app, sha("same bytes\n"), undefined, await project("p2"))).toBe("p2-copy.pdf");
    expect(await artifactName(app, sha("same bytes\n"), undefined, await project("p1"))).toBe("p1-plan.pdf");
  });

  test("absent, another organization's, out of scope, digest-only: the same refusal but for the digest", async () => {
    await upload("other org's\n", undefined, other);
    const p2 = await project("p2");
    const refusal = async (digest: string, deps: ServiceDeps, scope?: Scope) => shape(await expectCode(() => openArtifact(deps, { digest, scope }), "NOT_FOUND"), digest);
    const absent = await refusal(sha("nowhere"), app, p2);
    expect(await refusal(sha("p1 material\n"), app, p2)).toBe(absent); // another project's material
    expect(await refusal(sha("other org's\n"), app, p2)).toBe(absent); // another organization's upload
    expect(await refusal(sha("v1"), app, p2)).toBe(absent); // a STRING: digest only
    const orgLevel = await refusal(sha("nowhere"), app);
    expect(await refusal(sha("other org's\n"), app)).toBe(orgLevel);
    expect(await refusal(sha("v1"), app)).toBe(orgLevel);
    // the local CLI (no scope) answers the same
    const local = await expectCode(() => downloadArtifact(app, { digest: sha("v1") }), "NOT_FOUND");
    expect(shape(local, sha("v1"))).toBe(orgLevel);
    expect(local.hint).toContain("recorded by digest only");
  });
});

describe("verified push: a material marked as uploaded must be held by the pushing token's scope", () => {
  test("another organization cites this organization's digest: refused like an absent one, nothing stored; after its own upload, accepted", async () => {
    const theirs = sha("p1 material\n");
    expect(await app.blobs.has(theirs)).toBe(true); // the bytes exist: that used to be enough
    const c = await craft(s, other, { stolen: "p1 material\n" }, {}, false, false);
    const before = [counts(app), mappings().length];
    const stolen = await c.sign();
    const e = await expectCode(() => ingestBundle(other, stolen), "VERIFY_FAILED");
    expect(e.message).toBe(`material marked as uploaded was not uploaded to this organization: ${theirs}`);
    expect(e.hint).toContain("upload them with this token first");
    expect([counts(app), mappings().length]).toEqual(before);
    expect((await app.repo.getRun(c.runId))!.state).toBe("initialized");
    await expectCode(() => openArtifact(other, { digest: theirs }), "NOT_FOUND");

    const nowhere = await craft(s, other, { absent: "never uploaded anywhere\n" }, {}, false, false);
    const bundle = await nowhere.sign();
    rmSync(app.blobs.pathFor!(nowhere.materials[0]!)); // absent: not even the bytes exist
    const e2 = await expectCode(() => ingestBundle(other, bundle), "VERIFY_FAILED");
    expect(shape(e2, nowhere.materials[0]!)).toBe(shape(e, theirs)); // "exists elsewhere" reads as "absent"

    await upload("p1 material\n", undefined, other); // organization other uploads the same bytes itself
    expect((await ingestBundle(other, await c.sign())).created).toBe(true);
    expect((await openArtifact(other, { digest: theirs })).name).toBe("f.bin");
  });

  test("scopes: a workflow token pushes what it uploaded; a project-wide upload is not its workflow's", async () => {
    const build = await workflow("p1", "build");
    const ok = await craft(s, app, { a: "workflow upload\n" }, { workflow: "build", project: "p1" }, false, { scope: build });
    expect((await ingestBundle(app, await ok.sign(), { scope: build })).created).toBe(true);
    const wide = await craft(s, app, { b: "project upload\n" }, { workflow: "build", project: "p1" }, false, { scope: await project("p1") });
    const bundle = await wide.sign();
    const e = await expectCode(() => ingestBundle(app, bundle, { scope: build }), "VERIFY_FAILED");
    expect(e.message).toContain("not uploaded to this organization within this token's scope");
    expect((await ingestBundle(app, bundle, { scope: await project("p1") })).created).toBe(true); // the project token may
  });
});

test("every mapping is beside a row gc already counts, so gc keeps what a mapping lets download", async () => {
  const digests = [...new Set(mappings().map((m) => m.d!))];
  expect(digests.length).toBeGreaterThan(10);
  const unreferenced: string[] = [];
  for (const d of digests) if (!(await app.orgs.isBlobReferenced(d))) unreferenced.push(d);
  expect(unreferenced).toEqual([]);
  const referenced = new Set<string>();
  for await (const r of app.orgs.referencedBlobs()) referenced.add(r.digest);
  expect(digests.filter((d) => !referenced.has(d))).toEqual([]);
});
