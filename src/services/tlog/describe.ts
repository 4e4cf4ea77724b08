// One line per log entry for monitors and `log prove`: who signed what. The entry is a hashedrekord: its verifier
// is a certificate (the identity it names) or a public key (its SHA-256).
import { createHash } from "node:crypto";
import { parseBody, type HashedRekord } from "../../tlog/rekor/body.ts";
import { certificateSan } from "../../trust/identity.ts";

export interface EntrySummary {
  index: number;
  kind: string;
  /** The certificate's SAN (keyless), or `key sha256:…` (key-signed). */
  signer: string;
  /** What was signed: `sha256:HEX` (for a DSSE, of its PAE). */
  digest: string;
}

export function describeEntry(index: number, body: Uint8Array): EntrySummary {
  let h: HashedRekord;
  try {
    h = parseBody(body);
  } catch {
    return { index, kind: "unknown", signer: "(unreadable body)", digest: "" };
  }
  const digest = `${h.algorithm.replace("SHA2_", "sha")}:${Buffer.from(h.digest).toString("hex")}`;
  if (h.verifier.x509Certificate) {
    let san = "(unreadable certificate)";
    try {
      san = certificateSan(h.verifier.x509Certificate) ?? "(no SAN)";
    } catch {
      // kept as unreadable
    }
    return { index, kind: "hashedrekord", signer: san, digest };
  }
  const key = h.verifier.publicKey ? `key sha256:${createHash("sha256").update(h.verifier.publicKey).digest("hex")}` : "(no verifier)";
  return { index, kind: "hashedrekord", signer: key, digest };
}
