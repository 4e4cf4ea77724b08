import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTestPki } from "../../test/tls-certs.ts";
import { expectCode } from "../test-helpers.ts";
import { checkPlaintext, isLoopback, loadServerTls, withTlsErrors } from "./serve-tls.ts";

const pki = makeTestPki();
afterAll(() => pki.cleanup());
const file = (name: string, content: string) => {
  const p = join(pki.dir, name);
  writeFileSync(p, content);
  return p;
};

describe("loadServerTls", () => {
  test("neither flag: plain http; a matching pair: its PEM text and expiry", () => {
    expect(loadServerTls(undefined, undefined)).toBeUndefined();
    const tls = loadServerTls(pki.cert, pki.key)!;
    expect(tls.cert).toBe(pki.read(pki.cert));
    expect(tls.key).toBe(pki.read(pki.key));
    expect(tls.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  test("one flag without the other names the missing one", async () => {
    expect((await expectCode(() => loadServerTls(pki.cert, undefined), "USAGE")).message).toBe("--tls-cert is given but --tls-key is not");
    expect((await expectCode(() => loadServerTls(undefined, pki.key), "USAGE")).message).toBe("--tls-key is given but --tls-cert is not");
  });

  test("an unreadable file is named with the reason", async () => {
    const gone = await expectCode(() => loadServerTls(join(pki.dir, "nope.pem"), pki.key), "USAGE");
    expect(gone.message).toBe(`--tls-cert ${join(pki.dir, "nope.pem")}: cannot read it (no such file)`);
    expect((await expectCode(() => loadServerTls(pki.cert, pki.dir), "USAGE")).message).toContain("--tls-key");
    if (process.getuid?.() !== 0) {
      const locked = file("locked.key", pki.read(pki.key));
      chmodSync(locked, 0);
      expect((await expectCode(() => loadServerTls(pki.cert, locked), "USAGE")).message).toContain("permission denied");
    }
  });

  test("not PEM, or the two files swapped", async () => {
    const junk = file("junk.pem", "hello\n");
    expect((await expectCode(() => loadServerTls(junk, pki.key), "USAGE")).message).toBe(`--tls-cert ${junk} is not a PEM certificate`);
    expect((await expectCode(() => loadServerTls(pki.cert, junk), "USAGE")).message).toBe(`--tls-key ${junk} is not a PEM private key`);
    const swapped = await expectCode(() => loadServerTls(pki.key, pki.cert), "USAGE");
    expect(swapped.hint).toContain("swapped");
  });

  test("an encrypted key says so and how to decrypt it", async () => {
    const p = Bun.spawnSync(["openssl", "pkey", "-in", pki.key, "-aes256", "-passout", "pass:secret"], { stdout: "pipe" });
    const enc = file("enc.key", p.stdout.toString());
    expect(pki.read(enc)).toContain("ENCRYPTED PRIVATE KEY");
    const e = await expectCode(() => loadServerTls(pki.cert, enc), "USAGE");
    expect(e.message).toBe(`--tls-key ${enc} is encrypted, and cairn serve cannot ask for its passphrase`);
    expect(e.hint).toContain("openssl pkey");
  });

  test("a key that is not the certificate's is refused naming both files", async () => {
    const e = await expectCode(() => loadServerTls(pki.cert, pki.otherKey), "USAGE");
    expect(e.message).toBe(`--tls-key ${pki.otherKey} does not match the certificate in --tls-cert ${pki.cert}`);
  });

  test("Bun's own TLS errors become USAGE naming the files; other errors pass through", async () => {
    const mismatched = () => Bun.serve({ hostname: "127.0.0.1", port: 0, tls: { cert: pki.read(pki.cert), key: pki.read(pki.otherKey) }, fetch: () => new Response() });
    const e = await expectCode(() => withTlsErrors({ tlsCert: "c.pem", tlsKey: "k.pem" }, mismatched), "USAGE");
    expect(e.message).toStartWith("cannot serve https with --tls-cert c.pem and --tls-key k.pem: ");
    const caAsServer = () => Bun.serve({ hostname: "127.0.0.1", port: 0, tls: { cert: pki.read(pki.ca), key: pki.read(pki.ca.replace(/\.pem$/, ".key")) }, fetch: () => new Response() });
    expect((await expectCode(() => withTlsErrors({ tlsCert: "ca.pem", tlsKey: "ca.key" }, caAsServer), "USAGE")).message).toContain("KEY_USAGE_BIT_INCORRECT");
    expect(() => withTlsErrors({ tlsCert: "c.pem" }, () => { throw new Error("EADDRINUSE"); })).toThrow("EADDRINUSE");
  });
});

describe("the loopback rule", () => {
  test("loopback: 127.0.0.0/8, ::1 in any spelling, localhost", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "127.1", "localhost", "LOCALHOST", "localhost.", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) expect([h, isLoopback(h)]).toEqual([h, true]);
    for (const h of ["0.0.0.0", "::", "0", "10.0.0.1", "128.0.0.1", "cairn.internal", "localhost.example", "::ffff:10.0.0.1", "::2"]) expect([h, isLoopback(h)]).toEqual([h, false]);
  });

  test("plain http elsewhere is refused, with the reason and the fix, unless --insecure-plaintext (then a warning)", async () => {
    expect(checkPlaintext("127.0.0.1", false, false)).toBeUndefined();
    expect(checkPlaintext("0.0.0.0", true, false)).toBeUndefined();
    const e = await expectCode(() => checkPlaintext("0.0.0.0", false, false), "USAGE");
    expect(e.message).toBe("refusing to serve plain http on 0.0.0.0: API tokens and the web session cookie would cross the network in clear text");
    expect(e.hint).toContain("--tls-cert FILE --tls-key FILE");
    expect(e.hint).toContain("--insecure-plaintext");
    expect(checkPlaintext("::", false, true)).toStartWith("--insecure-plaintext: serving plain http on ::;");
    expect(checkPlaintext("localhost", false, true)).toBeUndefined();
    await expectCode(() => checkPlaintext("0.0.0.0", true, true), "USAGE");
  });
});
