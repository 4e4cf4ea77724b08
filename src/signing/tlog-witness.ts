// A sigstore-js Witness that puts the signature on a transparency log's record: the Rekor v2 CreateEntryRequest for
// the signature (and the certificate or key that made it) goes to the log, and the TransparencyLogEntry it answers
// with — inclusion proof and checkpoint included — goes into the bundle's tlogEntries.
import { createPublicKey, X509Certificate } from "node:crypto";
import { TransparencyLogEntry } from "@sigstore/protobuf-specs";
import type { SignatureBundle, VerificationMaterial, Witness } from "@sigstore/sign/dist/witness/witness.js";

type TlogEntry = NonNullable<VerificationMaterial["tlogEntries"]>[number];
import { hashedRekordRequestFor } from "../tlog/rekor/client-request.ts";
import type { TransparencyLogWriter } from "./authorities.ts";

export class TransparencyLogWitness implements Witness {
  constructor(private readonly log: TransparencyLogWriter) {}

  async testify(content: SignatureBundle, publicKey: string): Promise<VerificationMaterial> {
    const tle = await this.log.append(logRequest(content, publicKey));
    // fromJSON leaves logId and kindVersion optional; the log always sends both (checked by the verifier of every bundle).
    return tle ? { tlogEntries: [TransparencyLogEntry.fromJSON(tle) as TlogEntry] } : {};
  }
}

/** The request for a signature: a bundle-shaped view of it handed to the Rekor v2 request builder. */
export function logRequest(content: SignatureBundle, publicKey: string): Record<string, unknown> {
  const b64 = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64");
  const isCert = publicKey.includes("BEGIN CERTIFICATE");
  const verificationMaterial = isCert ? { certificate: { rawBytes: b64(new X509Certificate(publicKey).raw) } } : { publicKey: { hint: "" } };
  const signed =
    content.$case === "dsseEnvelope"
      ? { dsseEnvelope: { payload: b64(content.dsseEnvelope.payload), payloadType: content.dsseEnvelope.payloadType, signatures: content.dsseEnvelope.signatures.map((s) => ({ sig: b64(s.sig), keyid: s.keyid })) } }
      : { messageSignature: { messageDigest: { algorithm: "SHA2_256", digest: b64(content.messageSignature.messageDigest!.digest) }, signature: b64(content.messageSignature.signature) } };
  const spki = isCert ? undefined : new Uint8Array(createPublicKey(publicKey).export({ type: "spki", format: "der" }));
  return hashedRekordRequestFor({ verificationMaterial, ...signed }, spki ? { publicKeySpki: spki } : {});
}
