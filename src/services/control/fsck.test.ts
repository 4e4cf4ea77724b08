import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair } from "../../signing/keys.ts";
import { fsckStore } from "./fsck.ts";
import { TempStore } from "./store-fixture.testutil.ts";

let store: TempStore;
afterEach(() => store.cleanup());

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function twoRuns(s: TempStore) {
  const app = s.open();
  const a = await s.push(app, "build", "skynet", "first artifact\n");
  const b = await s.push(app, "test", "skynet", "second artifact\n");
  return { app, a, b };
}

describe("store fsck", () => {
  test("a clean store is ok; with the signer's key every bundle's signature is verified", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns(store);
    const r = await fsckStore(app);
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.orphans).toEqual([]);
    expect(r.counts).toMatchObject({ blobs: 4, attestations: 2, signaturesVerified: 0, corrupt: 0, missing: 0, orphans: 0 });
    const sizes = [a.bundle, a.material, b.bundle, b.material].map((d) => readFileSync(store.blobPath(d)).length);
    expect(r.counts.bytes).toBe(sizes.reduce((x, y) => x + y, 0));
    const signed = await fsckStore(app, { trust: { keys: [store.key.publicKey], roots: [] } });
    expect([signed.ok, signed.counts.signaturesVerified]).toEqual([true, 2]);
  });

  test("a wrong key makes every bundle a bad signature", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns(store);
    const r = await fsckStore(app, { trust: { keys: [generateKeyPair("ed25519").publicKey], roots: [] } });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.kind, p.digest]).sort()).toEqual([["bad-signature", a.bundle], ["bad-signature", b.bundle]].sort());
    expect(r.counts.badSignature).toBe(2);
  });

  test("a flipped byte is corrupt (naming both digests); a deleted blob is missing with its referrers", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns(store);
    const path = store.blobPath(a.material);
    const bytes = readFileSync(path);
    bytes[3]! ^= 0x01;
    writeFileSync(path, bytes);
    rmSync(store.blobPath(b.bundle));
    const r = await fsckStore(app, { trust: { keys: [store.key.publicKey], roots: [] } });
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
    const r = await fsckStore(app, { trust: { keys: [store.key.publicKey], roots: [] } });
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
    const app = store.open();
    const up = await app.blobs.putBytes(new TextEncoder().encode("uploaded on its own\n"));
    const org = app.repo.ensureOrg("default", "2025-01-01T00:00:00.000Z");
    const db = new Database(join(store.home, "cairn.db"));
    db.query("INSERT INTO uploads (digest, org_id, name, size, created_at) VALUES (?, ?, 'u.txt', ?, '2025-01-01T00:00:00.000Z')").run(up.digest, org.id, up.size);
    db.close();
    expect((await fsckStore(app)).orphans).toEqual([]);
    rmSync(store.blobPath(up.digest));
    const r = await fsckStore(app);
    expect(r.problems).toEqual([{ kind: "missing", digest: up.digest, referencedBy: ["upload"] }]);
  });
});
