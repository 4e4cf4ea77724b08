import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, generateKeyPairSync, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asn1js from "asn1js";
import { x509 } from "../pki/x509.ts";
import { expectCode } from "../test-helpers.ts";
import type { CertIdentity } from "../trust/identity.ts";
import { makeBundle, timestamp } from "../trust/testkit.testutil.ts";
import { verifyBundle } from "../trust/verifier.ts";
import { importCa } from "./import.ts";
import { initCa } from "./init.ts";
import { issueCertificate } from "./issue.ts";
import { caPath } from "./layout.ts";
import { loadCa, type LoadedCa } from "./load.ts";
import { orgCert, orgChain, pem } from "./org-chain.testutil.ts";

const home = mkdtempSync(join(tmpdir(), "cairn-ca-issue-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
let ca: LoadedCa;
beforeAll(async () => {
  await initCa(home, { now: new Date(Date.now() - 60_000), name: "acme" });
  ca = (await loadCa(home))!;
});

const ISSUER = "https://cairn.example.com";
const SAN = "https://cairn.example.com/orgs/acme/workflows/app/build";
const identity: CertIdentity = { san: { type: "uri", value: SAN }, issuer: ISSUER, extensions: { 9: SAN, 24: SAN, 20: "push", 3: "0123abcd" } };
const spki = (k: KeyObject) => new Uint8Array(k.export({ type: "spki", format: "der" }));
const p256 = () => generateKeyPairSync("ec", { namedCurve: "P-256" });

function opensslVerify(leafPem: string, cfg: { root: string; untrusted: string }): string {
  const leaf = join(home, `leaf-${crypto.randomUUID()}.pem`);
  writeFileSync(leaf, leafPem);
  const r = Bun.spawnSync(["openssl", "verify", "-CAfile", cfg.root, "-untrusted", cfg.untrusted, leaf]);
  return (r.stdout.toString() + r.stderr.toString()).trim().replace(`${leaf}: `, "");
}
const homeFiles = (h: string) => ({ root: caPath(h, "root"), untrusted: caPath(h, "intermediate") });

describe("issueCertificate: Fulcio's profile", () => {
  test("empty subject, 20-byte serial, 10 minutes, KU/EKU/SAN/SKI/AKI and OIDs .1/.8/.N", async () => {
    const now = new Date("2026-05-01T10:00:00.700Z");
    const keys = p256();
    const at = new Date(Math.max(now.getTime(), ca.intermediate.notBefore.getTime() + 1000));
    const out = await issueCertificate(ca, { publicKeySpki: spki(keys.publicKey), identity, now: at });
    expect(out.chainPem).toHaveLength(3);
    expect(out.chainPem.slice(1)).toEqual(ca.caChainPem);
    const leaf = new X509Certificate(out.chainPem[0]!);
    expect(leaf.subject ?? "").toBe(""); // Bun says undefined for an empty Name
    expect(leaf.issuer).toBe(new X509Certificate(out.chainPem[1]!).subject);
    expect(leaf.subjectAltName).toBe(`URI:${SAN}`);
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.3"]);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(new X509Certificate(out.chainPem[1]!).publicKey)).toBe(true);
    expect(leaf.publicKey.equals(keys.publicKey)).toBe(true);
    expect(Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)).toBe(600_000);
    expect(out.notBefore.toISOString()).toBe(new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString());
    expect(out.notAfter.getTime() - out.notBefore.getTime()).toBe(600_000);
    expect(leaf.serialNumber.toLowerCase()).toBe(out.serial);
    expect(out.serial).toMatch(/^[0-7][0-9a-f]{39}$/);

    const cert = new x509.X509Certificate(out.chainPem[0]!);
    const ext = (oid: string) => cert.extensions.find((e) => e.type === oid);
    expect(cert.subjectName.toArrayBuffer().byteLength).toBe(2); // SEQUENCE {}
    const ku = cert.getExtension(x509.KeyUsagesExtension)!;
    expect([ku.critical, ku.usages]).toEqual([true, x509.KeyUsageFlags.digitalSignature]);
    const eku = cert.getExtension(x509.ExtendedKeyUsageExtension)!;
    expect([eku.critical, eku.usages]).toEqual([false, [x509.ExtendedKeyUsage.codeSigning]]);
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension)!;
    expect(san.critical).toBe(true);
    expect(san.names.toJSON()).toEqual([{ type: "url", value: SAN }]);
    const bits = asn1js.fromBER(spki(keys.publicKey)).result as asn1js.Sequence;
    const keyBits = (bits.valueBlock.value[1] as asn1js.BitString).valueBlock.valueHexView;
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId).toBe(createHash("sha1").update(keyBits).digest("hex"));
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(ca.intermediate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);
    expect(Buffer.from(ext("1.3.6.1.4.1.57264.1.1")!.value).toString()).toBe(ISSUER);
    const utf8 = (oid: string) => {
      const v = asn1js.fromBER(ext(oid)!.value).result;
      expect(v).toBeInstanceOf(asn1js.Utf8String);
      return (v as asn1js.Utf8String).valueBlock.value;
    };
    expect(utf8("1.3.6.1.4.1.57264.1.8")).toBe(ISSUER);
    expect(utf8("1.3.6.1.4.1.57264.1.9")).toBe(SAN);
    expect(utf8("1.3.6.1.4.1.57264.1.20")).toBe("push");
    expect(utf8("1.3.6.1.4.1.57264.1.24")).toBe(SAN);
    expect(Buffer.from(ext("1.3.6.1.4.1.57264.1.3")!.value).toString()).toBe("0123abcd"); // deprecated .2–.6: raw like .1
    expect(cert.extensions.map((e) => e.type).filter((t) => t.startsWith("1.3.6.1.4.1.57264."))).toHaveLength(6);
  });

  test("an email SAN", async () => {
    const out = await issueCertificate(ca, { publicKeySpki: spki(p256().publicKey), identity: { san: { type: "email", value: "dev@acme.test" }, issuer: "https://accounts.example.com", extensions: {} }, now: new Date() });
    expect(new X509Certificate(out.chainPem[0]!).subjectAltName).toBe("email:dev@acme.test");
  });

  test("openssl verify accepts leaves for every allowed key type", async () => {
    const keys = [p256(), generateKeyPairSync("ec", { namedCurve: "P-384" }), generateKeyPairSync("ec", { namedCurve: "P-521" }), generateKeyPairSync("rsa", { modulusLength: 2048 }), generateKeyPairSync("ed25519")];
    for (const k of keys) {
      const out = await issueCertificate(ca, { publicKeySpki: spki(k.publicKey), identity, now: new Date() });
      expect(opensslVerify(out.chainPem[0]!, homeFiles(home))).toBe("OK");
    }
  });

  test("keys outside the profile, and a SAN-less identity, are USAGE", async () => {
    for (const k of [generateKeyPairSync("rsa", { modulusLength: 1024 }), generateKeyPairSync("x25519")]) {
      await expectCode(() => issueCertificate(ca, { publicKeySpki: spki(k.publicKey), identity, now: new Date() }), "USAGE");
    }
    await expectCode(() => issueCertificate(ca, { publicKeySpki: new Uint8Array([48, 1, 2]), identity, now: new Date() }), "USAGE");
    await expectCode(() => issueCertificate(ca, { publicKeySpki: spki(p256().publicKey), identity: { ...identity, san: { type: "uri", value: "" } }, now: new Date() }), "USAGE");
    await expectCode(() => issueCertificate(ca, { publicKeySpki: spki(p256().publicKey), identity: { ...identity, extensions: { 8: "x" } }, now: new Date() }), "USAGE");
  });

  test("NOT_CONFIGURED once the intermediate cannot cover the 10 minutes", async () => {
    const late = new Date(ca.intermediate.notAfter.getTime() - 60_000);
    const e = await expectCode(() => issueCertificate(ca, { publicKeySpki: spki(p256().publicKey), identity, now: late }), "NOT_CONFIGURED");
    expect(e.message).toContain("cannot certify");
  });

  test("a leaf from an imported organization CA verifies with openssl against the organization's root", async () => {
    const org = await orgChain();
    const h = mkdtempSync(join(tmpdir(), "cairn-ca-issue-org-"));
    try {
      await importCa(h, { chainPem: org.chainPem, keyPem: org.keyPem, now: new Date() });
      const imported = (await loadCa(h))!;
      const out = await issueCertificate(imported, { publicKeySpki: spki(p256().publicKey), identity, now: new Date() });
      expect(opensslVerify(out.chainPem[0]!, homeFiles(h))).toBe("OK");
      expect(new x509.X509Certificate(out.chainPem[0]!).signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-256" } });
    } finally {
      rmSync(h, { recursive: true, force: true });
    }
  });

  test("an RSA intermediate signs with sha256WithRSAEncryption (NULL parameters); openssl accepts the leaf", async () => {
    const root = await orgCert({ subject: "CN=RSA Root", curve: "rsa" });
    const inter = await orgCert({ subject: "CN=RSA Issuing", issuer: root, pathLength: 0, curve: "rsa" });
    const h = mkdtempSync(join(tmpdir(), "cairn-ca-issue-rsa-"));
    try {
      await importCa(h, { chainPem: pem(inter, root), keyPem: inter.key.export({ type: "pkcs1", format: "pem" }).toString(), now: new Date() });
      const out = await issueCertificate((await loadCa(h))!, { publicKeySpki: spki(p256().publicKey), identity, now: new Date() });
      expect(opensslVerify(out.chainPem[0]!, homeFiles(h))).toBe("OK");
      expect(Bun.spawnSync(["openssl", "x509", "-noout", "-text"], { stdin: Buffer.from(out.chainPem[0]!) }).stdout.toString()).toContain("Signature Algorithm: sha256WithRSAEncryption");
    } finally {
      rmSync(h, { recursive: true, force: true });
    }
  });

  test("from 2050 the validity is GeneralizedTime", async () => {
    const h = mkdtempSync(join(tmpdir(), "cairn-ca-issue-2050-"));
    try {
      await initCa(h, { now: new Date("2049-06-01T00:00:00Z") });
      const at = new Date("2050-01-01T00:00:00Z");
      const out = await issueCertificate((await loadCa(h))!, { publicKeySpki: spki(p256().publicKey), identity, now: at });
      const asn = Bun.spawnSync(["openssl", "asn1parse"], { stdin: Buffer.from(out.chainPem[0]!) }).stdout.toString();
      expect(asn).toContain("GENERALIZEDTIME   :20500101000000Z");
      expect(asn).toContain("GENERALIZEDTIME   :20500101001000Z");
      expect(new X509Certificate(out.chainPem[0]!).validFromDate.toISOString()).toBe(at.toISOString());
    } finally {
      rmSync(h, { recursive: true, force: true });
    }
  });

  test("a bundle signed with an issued leaf and timestamped by the CA's TSA verifies against its trusted_root.json", async () => {
    const keys = p256();
    const out = await issueCertificate(ca, { publicKeySpki: spki(keys.publicKey), identity, now: new Date() });
    const leafDer = new Uint8Array(new X509Certificate(out.chainPem[0]!).raw);
    const tsa = { name: "acme", leafDer: ca.tsaChainDer[0]!, rootDer: ca.tsaChainDer[1]!, keys: { privateKey: ca.tsaKey, publicKey: ca.tsaKey } };
    const bytes = await makeBundle({ leaf: { der: leafDer, key: keys.privateKey, san: SAN, issuer: ISSUER }, witness: async (sig) => ({ timestamps: [await timestamp(tsa, sig, new Date())] }) });
    const v = verifyBundle(bytes, { keys: [], roots: [{ name: "home-ca", json: JSON.parse(ca.trustedRootJson) }] });
    expect(v.signer).toMatchObject({ kind: "certificate", san: SAN, issuer: ISSUER, root: "home-ca" });
    expect(v.timestamps[0]).toMatchObject({ source: "rfc3161", root: "home-ca" });
  });

  test("throughput: well over 100 issuances a second", async () => {
    const key = spki(p256().publicKey);
    await issueCertificate(ca, { publicKeySpki: key, identity, now: new Date() });
    const n = 300;
    const start = performance.now();
    for (let i = 0; i < n; i++) await issueCertificate(ca, { publicKeySpki: key, identity, now: new Date() });
    const perSecond = n / ((performance.now() - start) / 1000);
    expect(perSecond).toBeGreaterThan(100);
  });
});
