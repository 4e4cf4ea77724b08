import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTestPki } from "../../test/tls-certs.ts";
import type { CaSource } from "../config.ts";
import { CairnError } from "../errors.ts";
import { startServer, type RunningServer } from "../server/server.ts";
import { testStore } from "../services/control/runs.testutil.ts";
import { createToken } from "../services/control/tokens.ts";
import { expectCode } from "../test-helpers.ts";
import { RemoteClient } from "./http-client.ts";
import { caPem, connectionError } from "./tls.ts";

const pki = makeTestPki();
const s = await testStore();
const token = (await createToken(s.app, { name: "ci" })).token;
const limits = { maxBodyBytes: 1024 * 1024, maxBlobBytes: 1024 * 1024 };
const servers: RunningServer[] = [];
const serve = (tls?: { cert: string; key: string }) => {
  const srv = startServer({ app: s.app, hostname: "127.0.0.1", port: 0, limits, log: () => {}, ...(tls && { tls }) });
  servers.push(srv);
  return srv;
};
const pair = (cert: string, key: string) => ({ cert: pki.read(cert), key: pki.read(key) });
let https: RunningServer;

beforeAll(() => {
  https = serve(pair(pki.cert, pki.key));
});
afterAll(async () => {
  for (const srv of servers) await srv.stop(500);
  s.cleanup();
  pki.cleanup();
});

const flag = (path: string): CaSource => ({ from: "--control-plane-ca", path });
const whoami = (url: string, ca?: CaSource) => new RemoteClient({ url, token, ...(ca && { ca }) }).json<{ organization: string }>("GET", "/api/v1/whoami");

describe("caPem", () => {
  test("a file or inline PEM; a bundle keeps every certificate", () => {
    expect(caPem(flag(pki.ca))).toBe(pki.read(pki.ca).trim());
    const bundle = pki.read(pki.otherCa) + pki.read(pki.ca);
    expect(caPem({ from: "CAIRN_CONTROL_PLANE_CA", pem: bundle }).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  test("a missing file or one without a certificate is USAGE naming the flag or variable", async () => {
    const gone = await expectCode(() => caPem(flag(join(pki.dir, "nope.pem"))), "USAGE");
    expect(gone.message).toBe(`--control-plane-ca ${join(pki.dir, "nope.pem")}: cannot read the CA certificate (no such file)`);
    const key = await expectCode(() => caPem({ from: "CAIRN_CONTROL_PLANE_CA", path: pki.key }), "USAGE");
    expect(key.message).toBe(`CAIRN_CONTROL_PLANE_CA ${pki.key} is not a PEM CA certificate`);
    const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    expect((await expectCode(() => caPem({ from: "CAIRN_CONTROL_PLANE_CA", pem: broken }), "USAGE")).message).toBe("CAIRN_CONTROL_PLANE_CA is not a PEM CA certificate");
  });

  test("the client reads it when it is made, before any request", () => {
    expect(() => new RemoteClient({ url: https.url, token, ca: flag(join(pki.dir, "nope.pem")) })).toThrow(CairnError);
  });
});

describe("RemoteClient over TLS", () => {
  test("https with the private CA, from a file or inline", async () => {
    expect(https.url).toStartWith("https://127.0.0.1:");
    expect((await whoami(https.url, flag(pki.ca))).organization).toBe("default");
    const inline = join(pki.dir, "inline-check.pem");
    writeFileSync(inline, pki.read(pki.ca));
    expect((await whoami(https.url.replace("127.0.0.1", "localhost"), { from: "CAIRN_CONTROL_PLANE_CA", pem: pki.read(inline) })).organization).toBe("default");
  });

  test("without the CA, or with another one: not trusted, with a hint naming --control-plane-ca", async () => {
    const none = await expectCode(() => whoami(https.url), "IO");
    expect(none.message).toStartWith(`cannot reach the control plane at ${https.url}: its certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE`);
    expect(none.hint).toContain("--control-plane-ca FILE (CAIRN_CONTROL_PLANE_CA)");
    const other = await expectCode(() => whoami(https.url, flag(pki.otherCa)), "IO");
    expect(other.message).toContain("its certificate is not trusted");
    expect(other.hint).toContain("not issued by the CA of --control-plane-ca");
  });

  test("a self-signed server certificate, and one for another name", async () => {
    const self = serve(pair(pki.selfCert, pki.selfKey));
    const e = await expectCode(() => whoami(self.url), "IO");
    expect(e.message).toContain("its certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT");
    const wrong = serve(pair(pki.wrongNameCert, pki.wrongNameKey));
    const name = await expectCode(() => whoami(wrong.url, flag(pki.ca)), "IO");
    expect(name.message).toBe(`cannot reach the control plane at ${wrong.url}: its certificate is not valid for 127.0.0.1 (ERR_TLS_CERT_ALTNAME_INVALID)`);
    expect(name.hint).toContain("subjectAltName");
  });

  test("the wrong scheme either way fails cleanly, with the fix", async () => {
    const plainToTls = await expectCode(() => whoami(https.url.replace("https:", "http:")), "IO");
    expect(plainToTls.hint).toContain("use https://");
    const plain = serve();
    const tlsToPlain = await expectCode(() => whoami(plain.url.replace("http:", "https:"), flag(pki.ca)), "IO");
    expect(tlsToPlain.message).toContain("the TLS handshake failed");
    expect(tlsToPlain.hint).toContain("--tls-cert");
  });
});

describe("connectionError", () => {
  test("expiry and unknown errors keep the general hint", () => {
    const err = (code: string) => Object.assign(new Error(`boom ${code}`), { code });
    expect(connectionError(err("CERT_HAS_EXPIRED"), "https://h", undefined).message).toBe("cannot reach the control plane at https://h: its certificate has expired (CERT_HAS_EXPIRED)");
    const refused = connectionError(err("ECONNREFUSED"), "https://h", undefined);
    expect([refused.code, refused.message, refused.hint]).toEqual(["IO", "cannot reach the control plane at https://h: boom ECONNREFUSED", "check --control-plane (CAIRN_CONTROL_PLANE) and that `cairn serve` is running"]);
  });
});
