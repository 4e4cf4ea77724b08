import { afterAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toTrustMaterial } from "@sigstore/verify";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { expectCode } from "../test-helpers.ts";
import { parseTrustedRoot } from "../trust/trusted-root.ts";
import { initCa } from "./init.ts";
import { CA_FILES, caPath } from "./layout.ts";
import { loadCa } from "./load.ts";
import { caSummary } from "./summary.ts";

const dirs: string[] = [];
const tmpHome = () => {
  const d = mkdtempSync(join(tmpdir(), "cairn-ca-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const NOW = new Date("2026-03-01T12:00:00.250Z");
const cert = (home: string, file: "root" | "intermediate" | "tsa") => new X509Certificate(readFileSync(caPath(home, file)));

describe("cairn ca init", () => {
  test("writes the layout: keys 0600, certificates with the profile, trusted_root.json last", async () => {
    const home = tmpHome();
    const summary = await initCa(home, { now: NOW });
    for (const f of Object.values(CA_FILES)) expect(existsSync(join(home, "ca", f))).toBe(true);
    for (const f of ["rootKey", "intermediateKey", "tsaKey"] as const) {
      expect(statSync(caPath(home, f)).mode & 0o777).toBe(0o600);
      expect(readFileSync(caPath(home, f), "utf8")).toStartWith("-----BEGIN PRIVATE KEY-----");
    }
    const root = cert(home, "root");
    const inter = cert(home, "intermediate");
    const tsa = cert(home, "tsa");
    expect(root.subject).toBe("O=cairn\nCN=cairn root");
    expect(root.ca).toBe(true);
    expect(root.checkIssued(root)).toBe(true);
    expect(root.publicKey.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
    expect(new Date(root.validTo).toISOString()).toBe("2036-03-01T12:00:00.000Z");
    expect(inter.checkIssued(root) && inter.verify(root.publicKey)).toBe(true);
    expect(inter.ca).toBe(true);
    expect(inter.keyUsage).toEqual(["1.3.6.1.5.5.7.3.3"]);
    expect(new Date(inter.validTo).toISOString()).toBe("2031-03-01T12:00:00.000Z");
    expect(tsa.checkIssued(root) && tsa.verify(root.publicKey)).toBe(true);
    expect(tsa.ca).toBe(false);
    expect(readFileSync(caPath(home, "tsaChain"), "utf8")).toBe(readFileSync(caPath(home, "tsa"), "utf8") + readFileSync(caPath(home, "root"), "utf8"));
    expect(summary.ca.map((c) => c.role)).toEqual(["intermediate", "root"]);
    expect(summary.tsa.map((c) => c.role)).toEqual(["tsa", "root"]);
    expect(summary.ca[1]!.sha256).toBe(root.fingerprint256.replaceAll(":", "").toLowerCase());
    expect(summary).toMatchObject({ keysEncrypted: false, rootKey: true, dir: join(home, "ca") });
  });

  test("the openssl view: pathlen 0, EKU codeSigning on the intermediate, critical timeStamping on the TSA leaf", async () => {
    const home = tmpHome();
    await initCa(home, { now: new Date(), name: "acme" });
    const text = (f: "intermediate" | "tsa") => Bun.spawnSync(["openssl", "x509", "-noout", "-text", "-in", caPath(home, f)]).stdout.toString();
    expect(text("intermediate")).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text("intermediate")).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text("intermediate")).toMatch(/Extended Key Usage:\s+Code Signing/);
    expect(text("intermediate")).toContain("Subject Key Identifier");
    expect(text("intermediate")).toContain("Authority Key Identifier");
    expect(text("tsa")).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(text("tsa")).toMatch(/Extended Key Usage: critical\s+Time Stamping/);
    const verify = Bun.spawnSync(["openssl", "verify", "-purpose", "timestampsign", "-CAfile", caPath(home, "root"), caPath(home, "tsa")]);
    expect(verify.stdout.toString().trim()).toBe(`${caPath(home, "tsa")}: OK`);
  });

  test("trusted_root.json: v0.1, [intermediate, root] and [tsa, root], loads with toTrustMaterial and parseTrustedRoot", async () => {
    const home = tmpHome();
    await initCa(home, { now: NOW, name: "acme" });
    const json = JSON.parse(readFileSync(caPath(home, "trustedRoot"), "utf8"));
    const der = (f: "root" | "intermediate" | "tsa") => cert(home, f).raw.toString("base64");
    expect(json).toEqual({
      mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
      tlogs: [],
      certificateAuthorities: [{ subject: { organization: "acme", commonName: "acme root" }, uri: "cairn://acme", certChain: { certificates: [{ rawBytes: der("intermediate") }, { rawBytes: der("root") }] }, validFor: { start: "2026-03-01T12:00:00Z" } }],
      ctlogs: [],
      timestampAuthorities: [{ subject: { organization: "acme", commonName: "acme root" }, uri: "cairn://acme", certChain: { certificates: [{ rawBytes: der("tsa") }, { rawBytes: der("root") }] }, validFor: { start: "2026-03-01T12:00:00Z" } }],
    });
    const material = toTrustMaterial(TrustedRoot.fromJSON(json));
    expect(material.certificateAuthorities).toHaveLength(1);
    expect(material.timestampAuthorities).toHaveLength(1);
    expect(parseTrustedRoot(json, "home-ca").root.certificateAuthorities[0]!.certChain!.certificates).toHaveLength(2);
  });

  test("refuses an existing CA unless --force; a forced init replaces every key", async () => {
    const home = tmpHome();
    const first = await initCa(home, { now: NOW });
    await expectCode(() => initCa(home, { now: NOW }), "ALREADY_EXISTS");
    const second = await initCa(home, { now: NOW, force: true });
    expect(second.ca[1]!.sha256).not.toBe(first.ca[1]!.sha256);
    expect((await loadCa(home))!.root.subject).toBe("O=cairn, CN=cairn root");
  });

  test("files without trusted_root.json (an init that died) are no CA, and a new init goes ahead", async () => {
    const home = tmpHome();
    await initCa(home, { now: NOW });
    rmSync(caPath(home, "trustedRoot"));
    expect(await loadCa(home)).toBeUndefined();
    await expectCode(() => caSummary(home), "NOT_CONFIGURED");
    await initCa(home, { now: NOW });
    expect(await loadCa(home)).toBeDefined();
  });

  test("a bad --name is USAGE before anything is written", async () => {
    const home = tmpHome();
    await expectCode(() => initCa(home, { now: NOW, name: "a b" }), "USAGE");
    expect(existsSync(join(home, "ca"))).toBe(false);
  });
});

describe("loadCa", () => {
  test("undefined without a CA; a round trip gives the chains, keys and trusted root", async () => {
    const home = tmpHome();
    expect(await loadCa(home)).toBeUndefined();
    await initCa(home, { now: NOW });
    const ca = (await loadCa(home))!;
    expect(ca.caChainDer.map((d) => Buffer.from(d).toString("base64"))).toEqual([cert(home, "intermediate").raw.toString("base64"), cert(home, "root").raw.toString("base64")]);
    expect(ca.tsaChainDer.map((d) => Buffer.from(d).toString("base64"))).toEqual([cert(home, "tsa").raw.toString("base64"), cert(home, "root").raw.toString("base64")]);
    expect(ca.trustedRootJson).toBe(readFileSync(caPath(home, "trustedRoot"), "utf8"));
    expect(ca.intermediateKey.type).toBe("private");
    expect(ca.tsaKey.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-384" });
    expect(ca.tsaHash).toBe("SHA-384");
    const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-384" }, ca.tsaKey, new Uint8Array([1, 2, 3]));
    const pub = await crypto.subtle.importKey("spki", cert(home, "tsa").publicKey.export({ type: "spki", format: "der" }), { name: "ECDSA", namedCurve: "P-384" }, false, ["verify"]);
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-384" }, pub, sig, new Uint8Array([1, 2, 3]))).toBe(true);
  });

  test("encrypted keys: KEY_PASSWORD without the password or with a wrong one, loads with it", async () => {
    const home = tmpHome();
    const summary = await initCa(home, { now: NOW, password: "s3cret" });
    expect(summary.keysEncrypted).toBe(true);
    for (const f of ["rootKey", "intermediateKey", "tsaKey"] as const) expect(readFileSync(caPath(home, f), "utf8")).toStartWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    const missing = await expectCode(() => loadCa(home), "KEY_PASSWORD");
    expect(missing.hint).toContain("CAIRN_CA_PASSWORD");
    await expectCode(() => loadCa(home, { password: "nope" }), "KEY_PASSWORD");
    expect(await loadCa(home, { password: "s3cret" })).toBeDefined();
  });

  test("a damaged CA is named: a key that is not the certificate's, a trusted root of other chains", async () => {
    const home = tmpHome();
    const other = tmpHome();
    await initCa(home, { now: NOW });
    await initCa(other, { now: NOW });
    const tsaKey = readFileSync(caPath(home, "tsaKey"));
    writeFileSync(caPath(home, "tsaKey"), readFileSync(caPath(other, "tsaKey")));
    const e = await expectCode(() => loadCa(home), "IO");
    expect(e.message).toContain(`${caPath(home, "tsaKey")} is not the key of`);
    writeFileSync(caPath(home, "tsaKey"), tsaKey);
    writeFileSync(caPath(home, "trustedRoot"), readFileSync(caPath(other, "trustedRoot")));
    expect((await expectCode(() => loadCa(home), "IO")).message).toContain("trusted_root.json does not hold the chains");
    rmSync(caPath(home, "intermediate"));
    expect((await expectCode(() => loadCa(home), "IO")).message).toContain(`cannot read ${caPath(home, "intermediate")}`);
  });
});
