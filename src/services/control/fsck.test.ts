import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair } from "../../signing/keys.ts";
import { initCa } from "../../ca/init.ts";
import { workflowIdentity } from "../../trust/identity.ts";
import { homeCaAuthorities } from "../crafting/home-keyless.ts";
import { fsckStore } from "./fsck.ts";
import { removeOrgKey } from "./org-keys.ts";
import { TempStore } from "./store-fixture.testutil.ts";

let store: TempStore;
afterEach(() => store.cleanup());

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** The run an attestation belongs to, read from the store. */
function runOf(digest: string): string {
  const db = new Database(join(store.home, "cairn.db"), { readonly: true });
  try {
    return (db.query("SELECT run_id AS id FROM attestations WHERE digest = ?").get(digest) as { id: string }).id;
  } finally {
    db.close();
  }
}

/** Two key-signed runs, the key registered in the organization first (`org key add`). */
async function twoRuns(s: TempStore) {
  const app = await s.open();
  await s.registerKey(app);
  const a = await s.push(app, "build", "skynet", "first artifact\n");
  const b = await s.push(app, "test", "skynet", "second artifact\n");
  return { app, a, b };
}

describe("store fsck", () => {
  test("a clean store is ok: every bundle verifies with the organization's registered key, no --key needed", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns(store);
    const r = await fsckStore(app);
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.orphans).toEqual([]);
    expect(r.counts).toMatchObject({ blobs: 4, attestations: 2, signaturesVerified: 2, corrupt: 0, missing: 0, orphans: 0, remoteChecked: 0 });
    const sizes = [a.bundle, a.material, b.bundle, b.material].map((d) => readFileSync(store.blobPath(d)).length);
    expect(r.counts.bytes).toBe(sizes.reduce((x, y) => x + y, 0));
  });

  test("once the key is removed every bundle is a bad signature naming its run; --key still vouches as an extra key", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns(store);
    await removeOrgKey(app, { name: "ci" });
    const r = await fsckStore(app);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => (p.kind === "bad-signature" ? [p.digest, p.runId] : [p.kind])).sort()).toEqual([[a.bundle, runOf(a.bundle)], [b.bundle, runOf(b.bundle)]].sort());
    expect(r.counts).toMatchObject({ badSignature: 2, signaturesVerified: 0 });
    expect(await fsckStore(app, { keys: [store.key.publicKey] })).toMatchObject({ ok: true, counts: { signaturesVerified: 2 } });
    const wrong = await fsckStore(app, { keys: [generateKeyPair("ed25519").publicKey] });
    expect(wrong.counts.badSignature).toBe(2);
  });

  test("a keyless push under the home CA verifies with the home's trust root alone", async () => {
    store = new TempStore();
    const app = await store.open();
    await initCa(app.config.home, { now: new Date(Date.now() - 3_600_000) });
    const issuer = "https://cairn.test";
    const keyless = async () => await homeCaAuthorities(app.config, { now: () => new Date() }, workflowIdentity(issuer, "default", "skynet", "build"), issuer);
    await store.push(app, "build", "skynet", "built keyless\n", keyless);
    const r = await fsckStore(app);
    expect(r.problems).toEqual([]);
    expect(r.counts).toMatchObject({ attestations: 1, signaturesVerified: 1 });
  });

  test("a bundle swapped for one with an edited statement (content intact at its address) is a bad signature", async () => {
    store = new TempStore();
    const { app, a } = await twoRuns(store);
    const bundle = JSON.parse(readFileSync(store.blobPath(a.bundle), "utf8"));
    const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString());
    payload.subject[0].name = "something-else";
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(payload)).toString("base64");
    const forged = await app.blobs.putBytes(new TextEncoder().encode(JSON.stringify(bundle)));
    const id = runOf(a.bundle);
    const db = new Database(join(store.home, "cairn.db"));
    db.query("UPDATE attestations SET digest = ? WHERE digest = ?").run(forged.digest, a.bundle);
    db.close();
    const r = await fsckStore(app);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ kind: "bad-signature", digest: forged.digest, runId: id, reason: expect.any(String) as unknown as string }]);
  });

  test("a flipped byte is corrupt (naming both digests); a deleted blob is missing with its referrers", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns(store);
    const path = store.blobPath(a.material);
    const bytes = readFileSync(path);
    bytes[3]! ^= 0x01;
    writeFileSync(path, bytes);
    rmSync(store.blobPath(b.bundle));
    const r = await fsckStore(app);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      { kind: "corrupt", digest: a.material, actual: sha(bytes), path },
      { kind: "missing", digest: b.bundle, referencedBy: ["attestation", "referrer"] },
    ]);
    expect(r.counts).toMatchObject({ blobs: 3, corrupt: 1, missing: 1, signaturesVerified: 1, badSignature: 0 });
  });

  test("a corrupt bundle is reported once, not also as a bad signature", async () => {
    store = new TempStore();
    const { app, a } = await twoRuns(store);
    const path = store.blobPath(a.bundle);
    writeFileSync(path, readFileSync(path, "utf8").replace("dsseEnvelope", "dsseEnvelopf"));
    const r = await fsckStore(app);
    expect(r.problems.map((p) => [p.kind, p.digest])).toEqual([["corrupt", a.bundle]]);
    expect(r.counts.signaturesVerified).toBe(1);
  });

  test("orphans, old cas/tmp leftovers and stray files are informational", async () => {
    store = new TempStore();
    const { app } = await twoRuns(store);
    const orphan = await app.blobs.putBytes(new TextEncoder().encode("nobody refers to me\n"));
    const tmp = join(store.home, "cas", "tmp");
    writeFileSync(join(tmp, "old-partial"), "abc");
    const old = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 1000) * 1000);
    utimesSync(join(tmp, "old-partial"), old, old);
    writeFileSync(join(tmp, "in-progress"), "abcd");
    mkdirSync(join(store.home, "cas", "sha256", "zz"));
    writeFileSync(join(store.home, "cas", "sha256", "zz", "note.txt"), "x");
    const r = await fsckStore(app);
    expect(r.ok).toBe(true);
    expect(r.orphans).toEqual([{ digest: orphan.digest, size: orphan.size }]);
    expect(r.tmpLeftovers).toEqual([{ path: join(tmp, "old-partial"), size: 3, modifiedAt: old.toISOString() }]);
    expect(r.stray).toEqual([join(store.home, "cas", "sha256", "zz")]);
    expect(r.counts).toMatchObject({ orphans: 1, tmpLeftovers: 1, stray: 1, blobs: 5 });
  });

  test("uploads keep their blob referenced, and a lost upload is missing", async () => {
    store = new TempStore();
    const app = await store.open();
    const up = await app.blobs.putBytes(new TextEncoder().encode("uploaded on its own\n"));
    const org = await app.repo.ensureOrg("default", "2025-01-01T00:00:00.000Z");
    const db = new Database(join(store.home, "cairn.db"));
    db.query("INSERT INTO uploads (digest, org_id, name, size, created_at) VALUES (?, ?, 'u.txt', ?, '2025-01-01T00:00:00.000Z')").run(up.digest, org.id, up.size);
    db.close();
    expect((await fsckStore(app)).orphans).toEqual([]);
    rmSync(store.blobPath(up.digest));
    const r = await fsckStore(app);
    expect(r.problems).toEqual([{ kind: "missing", digest: up.digest, referencedBy: ["upload"] }]);
  });
});
