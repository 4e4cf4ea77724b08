// Who signed: a key (its id), or a certificate (its SAN and OIDC issuer, and the CA of a trusted root that issued it).
import { X509Certificate } from "node:crypto";
import type { ParsedRoot } from "./trusted-root.ts";

export type Signer =
  | { kind: "key"; keyId: string }
  | {
      kind: "certificate";
      /** The certificate's SAN (URI, email, …); "" when it has none. */
      san: string;
      /** Fulcio's OIDC issuer extension (OID .8, else .1). */
      issuer?: string;
      /** The trusted root that matched. */
      root: string;
      /** Subject DN of the CA certificate (in that root) that issued the leaf. */
      caSubject: string;
      notBefore: Date;
      notAfter: Date;
    };

/** One line naming a signer: `key <id>` or `<san> (issuer …, CA …, root …)`. */
export function describeSigner(s: Signer): string {
  if (s.kind === "key") return `key ${s.keyId}`;
  return `${s.san || "(no SAN)"} (issuer ${s.issuer ?? "none"}, CA ${s.caSubject}, root ${s.root})`;
}

/** A DN as one line: `CN=x, O=y`. */
export function dnLine(dn: string): string {
  return dn.split("\n").join(", ");
}

/** The CA certificate in this root that issued `leaf` (issuer name and signature), if any. */
export function issuingCa(leaf: X509Certificate, root: ParsedRoot): X509Certificate | undefined {
  for (const ca of root.root.certificateAuthorities) {
    for (const c of ca.certChain?.certificates ?? []) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(c.rawBytes);
      } catch {
        continue;
      }
      if (leaf.checkIssued(cert) && safeVerify(leaf, cert)) return cert;
    }
  }
  return undefined;
}

function safeVerify(leaf: X509Certificate, ca: X509Certificate): boolean {
  try {
    return leaf.verify(ca.publicKey);
  } catch {
    return false;
  }
}
