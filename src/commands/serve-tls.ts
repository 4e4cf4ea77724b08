// TLS for `cairn serve`: the --tls-cert/--tls-key pair, checked before Bun sees it, and the loopback rule.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { CairnError } from "../errors.ts";

export interface ServerTls {
  cert: string;
  key: string;
  /** When the certificate stops being valid, for a startup warning once it has. */
  notAfter: Date;
}

/** Both or neither; each file readable PEM, the key unencrypted and the one the certificate was issued for. */
export function loadServerTls(certPath: string | undefined, keyPath: string | undefined): ServerTls | undefined {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (keyPath === undefined) throw new CairnError("USAGE", "--tls-cert is given but --tls-key is not", { hint: "pass both: --tls-cert server.pem --tls-key server.key (docs/tls.md)" });
  if (certPath === undefined) throw new CairnError("USAGE", "--tls-key is given but --tls-cert is not", { hint: "pass both: --tls-cert server.pem --tls-key server.key (docs/tls.md)" });
  const cert = read("--tls-cert", certPath);
  const key = read("--tls-key", keyPath);
  const x509 = parseCert(certPath, cert);
  const privateKey = parseKey(keyPath, key);
  if (!x509.checkPrivateKey(privateKey)) {
    throw new CairnError("USAGE", `--tls-key ${keyPath} does not match the certificate in --tls-cert ${certPath}`, {
      hint: "give the key the certificate was issued for (compare `openssl x509 -noout -pubkey -in CERT` with `openssl pkey -pubout -in KEY`)",
    });
  }
  return { cert, key, notAfter: new Date(x509.validTo) };
}

/** Bun's own TLS setup errors (anything the checks above let through) as USAGE naming the files, not a stack. */
export function withTlsErrors<T>(files: { tlsCert?: string; tlsKey?: string }, start: () => T): T {
  try {
    return start();
  } catch (e) {
    if (files.tlsCert === undefined || !/^ERR_(OSSL|SSL)_/.test(String((e as { code?: unknown }).code))) throw e;
    throw new CairnError("USAGE", `cannot serve https with --tls-cert ${files.tlsCert} and --tls-key ${files.tlsKey}: ${(e as Error).message}`, {
      hint: "check the pair with `openssl x509 -noout -text -in CERT` and `openssl pkey -noout -in KEY` (docs/tls.md)",
    });
  }
}

function read(flag: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new CairnError("USAGE", `${flag} ${path}: cannot read it (${why})`, { hint: `give a PEM file readable by the user running cairn serve` });
  }
}

function parseCert(path: string, pem: string): X509Certificate {
  const notCert = (hint: string) => new CairnError("USAGE", `--tls-cert ${path} is not a PEM certificate`, { hint });
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem) && !pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw notCert("it holds a private key: are --tls-cert and --tls-key swapped?");
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw notCert("expected -----BEGIN CERTIFICATE----- (the server's first, then any intermediates; convert DER with `openssl x509 -inform der -in cert.der -out cert.pem`)");
  }
}

function parseKey(path: string, pem: string): KeyObject {
  if (pem.includes("ENCRYPTED")) throw encrypted(path);
  try {
    return createPrivateKey(pem);
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_MISSING_PASSPHRASE") throw encrypted(path);
    const swapped = pem.includes("-----BEGIN CERTIFICATE-----") ? "it holds a certificate: are --tls-cert and --tls-key swapped?" : undefined;
    throw new CairnError("USAGE", `--tls-key ${path} is not a PEM private key`, { hint: swapped ?? "expected -----BEGIN PRIVATE KEY----- (or an EC/RSA PRIVATE KEY block)" });
  }
}

function encrypted(path: string): CairnError {
  return new CairnError("USAGE", `--tls-key ${path} is encrypted, and cairn serve cannot ask for its passphrase`, {
    hint: `write an unencrypted copy readable only by the server's user: openssl pkey -in ${path} -out server.key && chmod 600 server.key`,
  });
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form) and `localhost`: addresses no other machine can reach. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  if (h === "localhost") return true;
  let canonical: string;
  try {
    canonical = new URL(`http://${h.includes(":") ? `[${h}]` : h}/`).hostname; // 127.1 → 127.0.0.1, 0:0::1 → [::1]
  } catch {
    return false;
  }
  return /^127\.\d+\.\d+\.\d+$/.test(canonical) || canonical === "[::1]" || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/**
 * Secure by default: plain http only where nothing else can listen in, unless --insecure-plaintext says a TLS proxy
 * is in front. Returns the warning to log when plain http is served on a reachable address.
 */
export function checkPlaintext(hostname: string, tls: boolean, insecurePlaintext: boolean): string | undefined {
  if (tls) {
    if (insecurePlaintext) throw new CairnError("USAGE", "--insecure-plaintext contradicts --tls-cert/--tls-key", { hint: "drop --insecure-plaintext to serve https" });
    return undefined;
  }
  if (isLoopback(hostname)) return undefined;
  if (!insecurePlaintext) {
    throw new CairnError("USAGE", `refusing to serve plain http on ${hostname}: API tokens and the web session cookie would cross the network in clear text`, {
      hint: "pass --tls-cert FILE --tls-key FILE (docs/tls.md), or --insecure-plaintext if a TLS-terminating proxy is in front",
    });
  }
  return `--insecure-plaintext: serving plain http on ${hostname}; API tokens and session cookies are in clear text on the way here unless a TLS-terminating proxy is in front`;
}
