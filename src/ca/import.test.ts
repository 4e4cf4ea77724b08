import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toTrustMaterial } from "@sigstore/verify";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { expectCode } from "../test-helpers.ts";
import { parseTrustedRoot } from "../trust/trusted-root.ts";
import { importCa, type ImportCaOptions } from "./import.ts";
import { initCa } from "./init.ts";
import { caPath } from "./layout.ts";
import { loadCa } from "./load.ts";
import { orgCert, orgChain, pem, type OrgCert } from "./org-chain.testutil.ts";

const dirs: string[] = [];
const tmpHome = () => {
  const d = mkdtempSync(join(tmpdir(), "cairn-ca-import-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let org: Awaited<ReturnType<typeof orgChain>>;
beforeAll(async () => {
  org = await orgChain();
});
const now = () => new Date();
const keyPem = (c: OrgCert) => c.key.export({ type: "pkcs8", format: "pem" }).toString();
const refuse = async (o: Partial<ImportCaOptions>, code: "USAGE" | "KEY_INVALID" | "KEY_PASSWORD", text: string) => {
  const home = tmpHome();
  const e = await expectCode(() => importCa(home, { chainPem: org.chainPem, keyPem: org.keyPem, now: now(), chainSource: "--chain org.pem", keySource: "--key org.key", ...o }), code);
  expect(e.message).toContain(text);
  expect(existsSync(caPath(home, "trustedRoot"))).toBe(false);
  return e;
};

describe("cairn ca import", () => {
  test("the organization's intermediate issues; the TSA gets its own root and leaf; trusted_root.json loads", async () => {
    const home = tmpHome();
    const summary = await importCa(home, { chainPem: org.chainPem, keyPem: org.keyPem, now: now(), name: "acme", password: "pw" });
    expect(summary.ca.map((c) => c.subject)).toEqual(["CN=Acme Signing CA, O=Acme", "CN=Acme Root CA, O=Acme"]);
    expect(summary.tsa.map((c) => c.subject)).toEqual(["O=acme, CN=acme timestamping", "O=acme, CN=acme TSA root"]);
    expect(summary).toMatchObject({ rootKey: false, keysEncrypted: true });
    expect(existsSync(caPath(home, "rootKey"))).toBe(false);
    expect(readFileSync(caPath(home, "intermediateKey"), "utf8")).toStartWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    const ca = (await loadCa(home, { password: "pw" }))!;
    expect(Buffer.from(ca.caChainDer[0]!).equals(Buffer.from(org.inter.cert.rawData))).toBe(true);
    expect(Buffer.from(ca.caChainDer[1]!).equals(Buffer.from(org.root.cert.rawData))).toBe(true);
    const tsaLeaf = new X509Certificate(ca.tsaChainDer[0]!);
    expect(tsaLeaf.verify(new X509Certificate(ca.tsaChainDer[1]!).publicKey)).toBe(true);
    const json = JSON.parse(ca.trustedRootJson);
    expect(json.certificateAuthorities[0].subject).toEqual({ organization: "Acme", commonName: "Acme Root CA" });
    expect(json.certificateAuthorities[0].uri).toBe("cairn://acme");
    expect(toTrustMaterial(TrustedRoot.fromJSON(json)).certificateAuthorities).toHaveLength(1);
    parseTrustedRoot(json, "home-ca");
  });

  test("a longer chain (root → policy CA → intermediate) keeps the middle certificate in intermediate.pem", async () => {
    const root = await orgCert({ subject: "CN=Deep Root, O=Deep", curve: "P-384" });
    const policy = await orgCert({ subject: "CN=Deep Policy CA, O=Deep", issuer: root, pathLength: 1 });
    const inter = await orgCert({ subject: "CN=Deep Issuing CA, O=Deep", issuer: policy, pathLength: 0 });
    const home = tmpHome();
    await importCa(home, { chainPem: pem(inter, policy, root), keyPem: keyPem(inter), now: now() });
    const ca = (await loadCa(home))!;
    expect(ca.caChain.map((c) => c.subject)).toEqual(["CN=Deep Issuing CA, O=Deep", "CN=Deep Policy CA, O=Deep", "CN=Deep Root, O=Deep"]);
    expect(readFileSync(caPath(home, "root"), "utf8")).toBe(pem(root));
  });

  test("an encrypted key needs CAIRN_CA_KEY_PASSWORD", async () => {
    const encrypted = org.inter.key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "org" }).toString();
    const e = await refuse({ keyPem: encrypted }, "KEY_PASSWORD", "--key org.key is encrypted");
    expect(e.hint).toContain("CAIRN_CA_KEY_PASSWORD");
    await refuse({ keyPem: encrypted, keyPassword: "wrong" }, "KEY_PASSWORD", "--key org.key: wrong password");
    const home = tmpHome();
    await importCa(home, { chainPem: org.chainPem, keyPem: encrypted, keyPassword: "org", now: now() });
    expect(await loadCa(home)).toBeDefined();
  });

  test("refusals name the problem", async () => {
    await refuse({ chainPem: "hello" }, "USAGE", "--chain org.pem holds no PEM certificate");
    await refuse({ chainPem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }, "USAGE", "--chain org.pem: certificate 1 is not an X.509 certificate");
    await refuse({ keyPem: "nope" }, "KEY_INVALID", "--key org.key is not a PEM private key");
    await refuse({ keyPem: keyPem(org.root) }, "KEY_INVALID", "--key org.key is not the key of --chain org.pem's first certificate (CN=Acme Signing CA, O=Acme)");
    await refuse({ chainPem: pem(org.root), keyPem: keyPem(org.root) }, "USAGE", "certificate 1 (CN=Acme Root CA, O=Acme) is a self-signed root");
    await refuse({ chainPem: pem(org.inter) }, "USAGE", "the chain ends at certificate 1 (CN=Acme Signing CA, O=Acme), which is issued by CN=Acme Root CA, O=Acme");
    const leaf = await orgCert({ subject: "CN=build bot", issuer: org.inter, ca: false });
    await refuse({ chainPem: pem(leaf, org.inter, org.root), keyPem: keyPem(leaf) }, "USAGE", "certificate 1 (CN=build bot) is not a CA");
    const otherRoot = await orgCert({ subject: "CN=Other Root" });
    await refuse({ chainPem: pem(org.inter, otherRoot) }, "USAGE", "certificate 1 (CN=Acme Signing CA, O=Acme) is issued by CN=Acme Root CA, O=Acme, not by the next certificate (CN=Other Root)");
    const impostor = await orgCert({ subject: "CN=Acme Root CA, O=Acme" });
    await refuse({ chainPem: pem(org.inter, impostor) }, "USAGE", "certificate 1 (CN=Acme Signing CA, O=Acme) is not signed by certificate 2");
    const expired = await orgCert({ subject: "CN=Old CA", issuer: org.root, pathLength: 0, notBefore: new Date("2020-01-01"), notAfter: new Date("2021-01-01") });
    await refuse({ chainPem: pem(expired, org.root), keyPem: keyPem(expired) }, "USAGE", "certificate 1 (CN=Old CA) is not valid now");
    const tlsOnly = await orgCert({ subject: "CN=TLS CA", issuer: org.root, pathLength: 0, eku: ["1.3.6.1.5.5.7.3.1"] });
    await refuse({ chainPem: pem(tlsOnly, org.root), keyPem: keyPem(tlsOnly) }, "USAGE", "restricts its extended key usage without codeSigning");
    const tight = await orgCert({ subject: "CN=Tight Root" });
    const tightPolicy = await orgCert({ subject: "CN=Tight Policy", issuer: tight, pathLength: 0 });
    const below = await orgCert({ subject: "CN=Below", issuer: tightPolicy, pathLength: 0 });
    await refuse({ chainPem: pem(below, tightPolicy, tight), keyPem: keyPem(below) }, "USAGE", "certificate 2 (CN=Tight Policy) allows 0 intermediate(s) below it, but 1 follow");
  });

  test("an existing CA is ALREADY_EXISTS unless --force", async () => {
    const home = tmpHome();
    await initCa(home, { now: now() });
    await expectCode(() => importCa(home, { chainPem: org.chainPem, keyPem: org.keyPem, now: now() }), "ALREADY_EXISTS");
    await importCa(home, { chainPem: org.chainPem, keyPem: org.keyPem, now: now(), force: true });
    expect(existsSync(caPath(home, "rootKey"))).toBe(false);
    expect((await loadCa(home))!.intermediate.subject).toBe("CN=Acme Signing CA, O=Acme");
  });
});
