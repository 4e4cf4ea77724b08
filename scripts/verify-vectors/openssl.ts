// The vectors' private PKI, made with the openssl CLI (`openssl req`, `openssl ca`, `openssl ts`) in a scratch
// directory, so that no certificate or timestamp token shares code with cairn's own CA and TSA (@peculiar/x509,
// pkijs). Private keys live only in the scratch directory, which the generator deletes.
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A certificate and its private key, as openssl made them. */
export interface Issued {
  name: string;
  pem: string;
  der: Buffer;
  keyPath: string;
  key: KeyObject;
  certPath: string;
}

const CONFIG = `
[ ca ]
default_ca = ca_default
[ ca_default ]
database = index.txt
new_certs_dir = issued
serial = serial.txt
default_md = sha384
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
organizationName = optional
commonName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = tsa-serial.txt
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.57264.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

/** openssl's -startdate/-enddate form: YYYYMMDDHHMMSSZ (UTC). */
function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, "").replace(/\.\d{3}Z$/, "Z");
}

export class OpenSsl {
  #seq = 0;
  constructor(readonly dir: string) {
    writeFileSync(join(dir, "openssl.cnf"), CONFIG);
    writeFileSync(join(dir, "index.txt"), "");
    writeFileSync(join(dir, "serial.txt"), "01\n");
    writeFileSync(join(dir, "tsa-serial.txt"), "01\n");
    this.run(["version"]);
    Bun.spawnSync(["mkdir", "-p", join(dir, "issued")]);
  }

  run(args: string[]): Buffer {
    const p = Bun.spawnSync(["openssl", ...args], { cwd: this.dir, stdout: "pipe", stderr: "pipe" });
    if (p.exitCode !== 0) throw new Error(`openssl ${args.join(" ")} failed:\n${p.stderr.toString()}`);
    return p.stdout;
  }

  /** A fresh EC key (P-256 or P-384) in the scratch directory. */
  ecKey(name: string, curve: "P-256" | "P-384"): string {
    const path = `${name}.key`;
    this.run(["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`, "-out", path]);
    return path;
  }

  /**
   * Issues a certificate with `openssl ca`: a CSR for `subject` ("/" = empty) over a new key, signed by `issuer`
   * (or self-signed), valid [start, end], with the given extension lines (openssl x509v3 config syntax).
   */
  issue(opts: {
    name: string;
    subject: string;
    curve: "P-256" | "P-384";
    issuer?: Issued;
    ext: string[];
    start: Date;
    end: Date;
  }): Issued {
    const keyPath = this.ecKey(opts.name, opts.curve);
    const csr = `${opts.name}.csr`;
    const certPath = `${opts.name}.pem`;
    const extFile = `${opts.name}.ext`;
    writeFileSync(join(this.dir, extFile), `[ ext ]\n${opts.ext.join("\n")}\n`);
    this.run(["req", "-new", "-config", "openssl.cnf", "-key", keyPath, "-subj", opts.subject, "-out", csr]);
    const signer = opts.issuer
      ? ["-cert", opts.issuer.certPath, "-keyfile", opts.issuer.keyPath]
      : ["-selfsign", "-keyfile", keyPath];
    this.run([
      "ca", "-batch", "-notext", "-rand_serial", "-config", "openssl.cnf", ...signer, "-in", csr, "-out", certPath,
      "-extfile", extFile, "-extensions", "ext", "-startdate", asn1Time(opts.start), "-enddate", asn1Time(opts.end),
      "-md", "sha384",
    ]);
    const pem = readFileSync(join(this.dir, certPath), "utf8");
    const der = Buffer.from(new X509Certificate(pem).raw);
    const key = createPrivateKey(readFileSync(join(this.dir, keyPath)));
    return { name: opts.name, pem, der, keyPath, key, certPath };
  }

  /**
   * An RFC 3161 TimeStampResp (DER) from `openssl ts -reply` over SHA-256(data), signed by `tsa` at the current
   * time. `certReq` asks for the TSA certificate inside the token.
   */
  timestamp(data: Uint8Array, tsa: Issued, certReq = false): Buffer {
    const n = ++this.#seq;
    writeFileSync(join(this.dir, `ts-${n}.data`), data);
    this.run(["ts", "-query", "-data", `ts-${n}.data`, "-sha256", "-no_nonce", ...(certReq ? ["-cert"] : []), "-out", `ts-${n}.tsq`]);
    this.run([
      "ts", "-reply", "-config", "openssl.cnf", "-section", "tsa_config", "-queryfile", `ts-${n}.tsq`,
      "-inkey", tsa.keyPath, "-signer", tsa.certPath, "-out", `ts-${n}.tsr`,
    ]);
    return readFileSync(join(this.dir, `ts-${n}.tsr`));
  }

  /** `openssl ts -verify` of a reply against a CA file; throws when openssl refuses it (a self-check of the generator). */
  verifyTimestamp(resp: Buffer, data: Uint8Array, caFile: string, untrusted: string): void {
    const n = ++this.#seq;
    writeFileSync(join(this.dir, `chk-${n}.tsr`), resp);
    writeFileSync(join(this.dir, `chk-${n}.data`), data);
    this.run(["ts", "-verify", "-in", `chk-${n}.tsr`, "-data", `chk-${n}.data`, "-CAfile", caFile, "-untrusted", untrusted]);
  }

  /** `openssl verify -attime` of a leaf against root + intermediate; a self-check of the generator. */
  verifyChain(leaf: Issued, root: Issued, intermediate: Issued, at: Date): void {
    this.run([
      "verify", "-attime", String(Math.floor(at.getTime() / 1000)), "-purpose", "any", "-CAfile", root.certPath,
      "-untrusted", intermediate.certPath, leaf.certPath,
    ]);
  }

  /** Writes a file into the scratch directory and returns its name. */
  write(name: string, data: string | Uint8Array): string {
    writeFileSync(join(this.dir, name), data);
    return name;
  }
}
