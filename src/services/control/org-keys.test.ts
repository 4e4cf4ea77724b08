import { afterAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { expectCode } from "../../test-helpers.ts";
import { generateKeyPair, keyId, publicKeyPem } from "../../signing/keys.ts";
import { addOrgKey, listOrgKeys, readKeyFile, removeOrgKey, verificationKeys } from "./org-keys.ts";
import { testStore } from "./runs.testutil.ts";

const s = await testStore();
afterAll(() => s.cleanup());
const app = s.app;
const other = { ...app, config: { ...app.config, organization: "other" } };
const ec = generateKeyPair("ecdsa-p256");
const ed = generateKeyPair("ed25519");

describe("org keys", () => {
  test("add: a PEM public key (ECDSA P-256 or Ed25519) is stored normalized with its cosign key id", async () => {
    // CRLF and surrounding text are accepted; what is stored is the re-exported SPKI PEM
    const messy = `comment\r\n${publicKeyPem(ec.publicKey).replace(/\n/g, "\r\n")}`;
    const k = await addOrgKey(app, { name: "ci", pem: messy, source: "--key ci.pub" });
    expect(k).toEqual({
      name: "ci",
      algorithm: "ecdsa-p256",
      keyId: keyId(ec.publicKey),
      status: "active",
      createdAt: "2025-01-01T00:00:00.000Z",
      createdBy: "local",
      removedAt: null,
      publicKey: publicKeyPem(ec.publicKey),
    });
    expect((await addOrgKey(app, { name: "release", pem: publicKeyPem(ed.publicKey), source: "x" })).algorithm).toBe("ed25519");
  });

  test("a private key is refused with a hint to pass the public key; other key types and junk too", async () => {
    const pkcs8 = ec.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const e = await expectCode(() => addOrgKey(app, { name: "x", pem: pkcs8, source: "--key cosign.key" }), "KEY_INVALID");
    expect(e.message).toContain("--key cosign.key: is a private key");
    expect(e.hint).toContain("cosign.pub");
    const sec1 = ec.privateKey.export({ format: "pem", type: "sec1" }).toString();
    expect((await expectCode(() => addOrgKey(app, { name: "x", pem: sec1, source: "k" }), "KEY_INVALID")).message).toContain("EC PRIVATE KEY");
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "pem", type: "spki" }).toString();
    expect((await expectCode(() => addOrgKey(app, { name: "x", pem: rsa, source: "k" }), "KEY_INVALID")).message).toContain("unsupported key type rsa");
    await expectCode(() => addOrgKey(app, { name: "x", pem: "not a key", source: "k" }), "KEY_INVALID");
    await expectCode(() => addOrgKey(app, { name: "Bad_Name", pem: publicKeyPem(ed.publicKey), source: "k" }), "USAGE");
    expect((await listOrgKeys(app, { status: "all" })).items.map((k) => k.name)).toEqual(["ci", "release"]);
  });

  test("a duplicate live name or a key already registered → ALREADY_EXISTS; another organization is independent", async () => {
    const fresh = publicKeyPem(generateKeyPair("ed25519").publicKey);
    expect((await expectCode(() => addOrgKey(app, { name: "ci", pem: fresh, source: "k" }), "ALREADY_EXISTS")).message).toContain("named ci");
    const dup = await expectCode(() => addOrgKey(app, { name: "again", pem: publicKeyPem(ec.publicKey), source: "--key ci.pub" }), "ALREADY_EXISTS");
    expect(dup.message).toContain("already registered in organization default as ci");
    expect((await addOrgKey(other, { name: "ci", pem: publicKeyPem(ec.publicKey), source: "k" })).keyId).toBe(keyId(ec.publicKey));
    expect((await listOrgKeys(other, {})).items.map((k) => k.name)).toEqual(["ci"]);
  });

  test("verificationKeys: the live keys of the current organization, as KeyObjects", async () => {
    const keys = await verificationKeys(app);
    expect(keys.map((k) => [k.name, k.keyId])).toEqual([
      ["ci", keyId(ec.publicKey)],
      ["release", keyId(ed.publicKey)],
    ]);
    expect(keys[1]!.key.equals(ed.publicKey)).toBe(true);
    expect(await verificationKeys({ ...app, config: { ...app.config, organization: "nobody" } })).toEqual([]);
  });

  test("remove: soft, the key stops verifying, the name and key can be registered again", async () => {
    s.advance(60_000);
    const r = await removeOrgKey(app, { name: "ci" });
    expect([r.status, r.removedAt]).toEqual(["removed", "2025-01-01T00:01:00.000Z"]);
    await expectCode(() => removeOrgKey(app, { name: "ci" }), "NOT_FOUND");
    await expectCode(() => removeOrgKey(other, { name: "release" }), "NOT_FOUND");
    expect((await verificationKeys(app)).map((k) => k.name)).toEqual(["release"]);
    expect((await listOrgKeys(app, {})).items.map((k) => k.name)).toEqual(["release"]);
    expect((await listOrgKeys(app, { status: "removed" })).items.map((k) => k.name)).toEqual(["ci"]);
    await addOrgKey(app, { name: "ci", pem: publicKeyPem(ec.publicKey), source: "k" });
    // by name, then by (random) id: the two "ci" rows may come in either order
    const all = (await listOrgKeys(app, { status: "all" })).items.map((k) => `${k.name} ${k.status}`);
    expect(all.slice(0, 2).sort()).toEqual(["ci active", "ci removed"]);
    expect(all[2]).toBe("release active");
  });

  test("list pages with a cursor and rejects bad input", async () => {
    const first = await listOrgKeys(app, { status: "all", limit: 2 });
    expect(first.items.length).toBe(2);
    const rest = await listOrgKeys(app, { status: "all", limit: 2, next: first.next });
    expect([...first.items, ...rest.items].length).toBe(3);
    expect(rest.next).toBeUndefined();
    await expectCode(() => listOrgKeys(app, { status: "gone" }), "USAGE");
    await expectCode(() => listOrgKeys(app, { next: "nope" }), "USAGE");
    expect((await listOrgKeys({ ...app, config: { ...app.config, organization: "nobody" } }, {})).items).toEqual([]);
  });

  test("readKeyFile names a missing --key file", async () => {
    s.file("ci.pub", publicKeyPem(ec.publicKey));
    expect(readKeyFile(app, "ci.pub")).toBe(publicKeyPem(ec.publicKey));
    expect((await expectCode(() => readKeyFile(app, "missing.pub"), "NOT_FOUND")).message).toBe("--key missing.pub: file not found");
  });
});
