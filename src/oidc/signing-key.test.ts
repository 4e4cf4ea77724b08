import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { calculateJwkThumbprint } from "jose";
import { expectCode } from "../test-helpers.ts";
import { loadOrCreateOidcKey, signingKeyPath } from "./signing-key.ts";

const root = mkdtempSync(join(tmpdir(), "cairn-oidc-key-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const newHome = () => join(root, `h${n++}`);

describe("the OIDC signing key", () => {
  test("is created on first use as a 0600 PKCS#8 PEM, and the same key is loaded afterwards", async () => {
    const home = newHome();
    const a = await loadOrCreateOidcKey(home);
    const path = signingKeyPath(home);
    expect(path).toBe(join(home, "oidc", "signing.key"));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toStartWith("-----BEGIN PRIVATE KEY-----");
    expect(a.publicJwk).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: a.kid });
    expect(a.publicJwk.d).toBeUndefined();
    const { kty, crv, x, y } = a.publicJwk;
    expect(a.kid).toBe(await calculateJwkThumbprint({ kty, crv, x, y }, "sha256"));
    const b = await loadOrCreateOidcKey(home);
    expect(b.kid).toBe(a.kid);
    expect(b.publicJwk).toEqual(a.publicJwk);
  });

  test("simultaneous first uses in one process agree on one key", async () => {
    const home = newHome();
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateOidcKey(home)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
  });

  test("a damaged file is STORE_INVALID naming the file and the fix", async () => {
    const home = newHome();
    await loadOrCreateOidcKey(home);
    const path = signingKeyPath(home);
    writeFileSync(path, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
    const e = await expectCode(() => loadOrCreateOidcKey(home), "STORE_INVALID");
    expect(e.message).toContain(path);
    expect(e.message).toContain("not a PKCS#8 PEM private key");
    expect(e.hint).toContain(`delete ${path}`);
  });

  test("a key of another type or curve is STORE_INVALID", async () => {
    const home = newHome();
    await loadOrCreateOidcKey(home);
    const path = signingKeyPath(home);
    chmodSync(path, 0o600);
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(path, p384);
    expect((await expectCode(() => loadOrCreateOidcKey(home), "STORE_INVALID")).message).toContain("not an EC P-256 (ES256) key");
    const sec1 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
    writeFileSync(path, sec1);
    expect((await expectCode(() => loadOrCreateOidcKey(home), "STORE_INVALID")).message).toContain("not a PKCS#8 PEM private key");
  });
});
