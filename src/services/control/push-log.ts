// The transparency log on verified push: a bundle that arrives without an entry of this server's log is logged by
// the server itself — after every check passed, before it is stored — as Rekor v2 logs a DSSE (a hashedrekord over
// its PAE, the envelope signature, and the certificate or key that verified), and stored with the entry in its
// tlogEntries. The push's answer carries that stored bundle, so the client's copy is the server's, byte for byte.
import { createHash, X509Certificate, type KeyObject } from "node:crypto";
import { pae } from "../../signing/pae.ts";
import type { HashedRekord } from "../../tlog/rekor/body.ts";
import { defaultKeyDetails, KEY_DETAILS } from "../../tlog/rekor/key-details.ts";

/** Appends one entry to the server's log; the TransparencyLogEntry (proto JSON) that proves it. */
export type LogSignature = (entry: HashedRekord) => Promise<Record<string, unknown>>;

interface BundleJson {
  dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] };
  verificationMaterial: { certificate?: { rawBytes: string }; x509CertificateChain?: { certificates: { rawBytes: string }[] }; tlogEntries?: unknown[] };
}

/** Whether a (parsed) bundle carries a transparency-log entry. */
export function hasLogEntry(bundle: Record<string, unknown>): boolean {
  return ((bundle as Partial<BundleJson>).verificationMaterial?.tlogEntries ?? []).length > 0;
}

/** The first envelope signature of a (parsed) bundle, to recognise a re-push of one stored with its entry added. */
export function envelopeSignature(bundle: Record<string, unknown>): string | undefined {
  return (bundle as Partial<BundleJson>).dsseEnvelope?.signatures[0]?.sig;
}

/** Logs a verified DSSE bundle (its parsed JSON, which it extends); returns the bytes to store: the bundle with the entry. */
export async function logPushedBundle(json: Record<string, unknown>, key: KeyObject | undefined, log: LogSignature): Promise<Uint8Array> {
  const b = json as unknown as BundleJson;
  const certB64 = b.verificationMaterial.certificate?.rawBytes ?? b.verificationMaterial.x509CertificateChain?.certificates[0]?.rawBytes;
  const certDer = certB64 ? new Uint8Array(Buffer.from(certB64, "base64")) : undefined;
  const publicKey = certDer ? new X509Certificate(Buffer.from(certDer)).publicKey : key!;
  const keyDetails = defaultKeyDetails(publicKey)!;
  const detail = KEY_DETAILS[keyDetails]!;
  const signed = pae(b.dsseEnvelope.payloadType, Buffer.from(b.dsseEnvelope.payload, "base64"));
  const entry: HashedRekord = {
    digest: new Uint8Array(createHash(detail.nodeHash).update(signed).digest()),
    algorithm: detail.hash,
    signature: new Uint8Array(Buffer.from(b.dsseEnvelope.signatures[0]!.sig, "base64")),
    verifier: certDer ? { keyDetails, x509Certificate: certDer } : { keyDetails, publicKey: new Uint8Array(publicKey.export({ type: "spki", format: "der" })) },
  };
  const tle = await log(entry);
  b.verificationMaterial.tlogEntries = [tle];
  return new TextEncoder().encode(JSON.stringify(b));
}
