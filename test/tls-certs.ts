// Test PKI made with openssl in a temp directory: a private CA, a server certificate it issued for 127.0.0.1 and
// localhost, and a second, unrelated CA (with its own certificate for the same names) to be the wrong one.
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPki {
  dir: string;
  /** Paths of PEM files. */
  ca: string;
  cert: string;
  key: string;
  otherCa: string;
  /** A certificate and key for the same names, issued by otherCa. */
  otherCert: string;
  otherKey: string;
  /** Issued by ca for elsewhere.invalid only: a host name mismatch on 127.0.0.1. */
  wrongNameCert: string;
  wrongNameKey: string;
  /** Self-signed, for the right names. */
  selfCert: string;
  selfKey: string;
  read(path: string): string;
  /** base64 sha256 of the server certificate's SubjectPublicKeyInfo (chromium's --ignore-certificate-errors-spki-list). */
  spkiHash: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  const p = Bun.spawnSync(["openssl", ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`openssl ${args.join(" ")} failed:\n${p.stderr.toString()}`);
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"];

function makeCa(dir: string, name: string): void {
  openssl(dir, ["req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.pem`, "-subj", `/CN=cairn test ${name}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
}

function issue(dir: string, ca: string, name: string, san = "IP:127.0.0.1,DNS:localhost"): void {
  const ext = ["-addext", `subjectAltName=${san}`, "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "extendedKeyUsage=serverAuth"];
  openssl(dir, ["req", "-x509", ...EC, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-keyout", `${name}.key`, "-out", `${name}.pem`, "-subj", "/CN=localhost", ...ext]);
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "cairn-pki-"));
  makeCa(dir, "ca");
  issue(dir, "ca", "server");
  makeCa(dir, "other-ca");
  issue(dir, "other-ca", "other-server");
  issue(dir, "ca", "wrong-name", "DNS:elsewhere.invalid");
  openssl(dir, ["req", "-x509", ...EC, "-keyout", "self.key", "-out", "self.pem", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]);
  const cert = join(dir, "server.pem");
  const spki = new X509Certificate(readFileSync(cert)).publicKey.export({ type: "spki", format: "der" });
  return {
    dir,
    ca: join(dir, "ca.pem"),
    cert,
    key: join(dir, "server.key"),
    otherCa: join(dir, "other-ca.pem"),
    otherCert: join(dir, "other-server.pem"),
    otherKey: join(dir, "other-server.key"),
    wrongNameCert: join(dir, "wrong-name.pem"),
    wrongNameKey: join(dir, "wrong-name.key"),
    selfCert: join(dir, "self.pem"),
    selfKey: join(dir, "self.key"),
    read: (path) => readFileSync(path, "utf8"),
    spkiHash: createHash("sha256").update(spki).digest("base64"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
