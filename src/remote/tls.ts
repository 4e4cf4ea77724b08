import { readFileSync } from "node:fs";
import type { CaSource } from "../config.ts";
import { CairnError } from "../errors.ts";

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM text of --control-plane-ca/CAIRN_CONTROL_PLANE_CA (read from its file), every certificate in it parsed. */
export function caPem(src: CaSource): string {
  const where = "path" in src ? `${src.from} ${src.path}` : src.from;
  let text: string;
  if ("path" in src) {
    try {
      text = readFileSync(src.path, "utf8");
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
      throw new CairnError("USAGE", `${where}: cannot read the CA certificate (${why})`, { hint: `give the PEM file of the CA that issued the control plane's certificate, or its PEM text in ${src.from}` });
    }
  } else {
    text = src.pem;
  }
  const blocks = text.match(CERT_BLOCK) ?? [];
  const bad = blocks.length === 0 || blocks.some((b) => !parses(b));
  if (bad) {
    throw new CairnError("USAGE", `${where} is not a PEM CA certificate`, {
      hint: "expected one or more -----BEGIN CERTIFICATE----- blocks (convert a DER file with `openssl x509 -inform der -in ca.der -out ca.pem`)",
    });
  }
  return blocks.join("\n");
}

function parses(pem: string): boolean {
  try {
    // node:crypto loaded here: its module loads node:stream, which every command importing this one would pay.
    const { X509Certificate } = require("node:crypto") as typeof import("node:crypto");
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

/** Bun's fetch error codes for a certificate chain that does not end at a trusted CA. */
const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "INVALID_CA",
]);

/** A failed fetch to the control plane as a CairnError that says what went wrong and what to do, TLS failures by name. */
export function connectionError(e: unknown, url: string, ca: CaSource | undefined): CairnError {
  const code = String((e as { code?: unknown } | undefined)?.code ?? "");
  const detail = (e as Error | undefined)?.message ?? String(e);
  const fail = (what: string, hint: string) => new CairnError("IO", `cannot reach the control plane at ${url}: ${what}`, { hint, cause: e });
  if (UNTRUSTED.has(code)) {
    return fail(
      `its certificate is not trusted (${code}: ${detail})`,
      ca
        ? `the certificate is not issued by the CA of ${ca.from}: give the CA that signed the server's certificate`
        : "if the control plane has a certificate of a private CA, pass that CA with --control-plane-ca FILE (CAIRN_CONTROL_PLANE_CA)",
    );
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return fail(`its certificate is not valid for ${new URL(url).hostname} (${code})`, "use a host name or IP address the certificate lists (its subjectAltName), or reissue the certificate with that name");
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return fail(`its certificate ${code === "CERT_HAS_EXPIRED" ? "has expired" : "is not valid yet"} (${code})`, "renew the server's certificate (docs/tls.md), and check this machine's clock");
  }
  if (code === "EPROTO" && url.startsWith("https:")) {
    return fail(`the TLS handshake failed (${detail})`, "check that the server serves https (`cairn serve --tls-cert … --tls-key …`); without them it serves plain http");
  }
  if (code === "ECONNRESET" && url.startsWith("http:")) {
    return fail(`the connection was closed (${code})`, "if the control plane serves https (cairn serve --tls-cert), use https:// in --control-plane");
  }
  return fail(detail, "check --control-plane (CAIRN_CONTROL_PLANE) and that `cairn serve` is running");
}
