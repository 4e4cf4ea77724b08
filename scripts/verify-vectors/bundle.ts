// Sigstore bundles and trusted roots for the vectors, written as proto3 JSON by hand (wire reference §1, §5).
import { createHash, sign, type KeyObject } from "node:crypto";
import type { Authority } from "./pki.ts";
import type { Log } from "./rekor.ts";
import { CA_START } from "./pki.ts";

export const MEDIA_V01 = "application/vnd.dev.sigstore.bundle+json;version=0.1";
export const MEDIA_V02 = "application/vnd.dev.sigstore.bundle+json;version=0.2";
export const MEDIA_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
export const MEDIA_V03_LEGACY = "application/vnd.dev.sigstore.bundle+json;version=0.3";
export const IN_TOTO = "application/vnd.in-toto+json";

export const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
export const sha256 = (b: Uint8Array): Buffer => createHash("sha256").update(b).digest();

/** DSSE v1 pre-authentication encoding. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const t = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${payload.length} `), payload]);
}

/** ECDSA keys sign SHA-256 (DER signature); Ed25519 signs the bytes themselves. */
export function signBytes(key: KeyObject, data: Uint8Array): Buffer {
  return sign(key.asymmetricKeyType === "ed25519" ? null : "sha256", data, key);
}

/** An in-toto Statement v1 (SLSA provenance) naming one subject; serialized once, signed byte for byte. */
export function statement(subjectName: string, subjectDigest: string, builder: string): Buffer {
  return Buffer.from(JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: subjectName, digest: { sha256: subjectDigest } }],
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: {
      buildDefinition: { buildType: "https://cairn.test/buildtypes/vector/v1", externalParameters: { vector: subjectName } },
      runDetails: { builder: { id: builder } },
    },
  }));
}

export type Material =
  | { certificate: Buffer }
  | { chain: Buffer[] }
  | { publicKeyHint: string };

export type Content =
  | { dsse: { payloadType: string; payload: Buffer; sig: Buffer; keyid?: string } }
  | { message: { digest: Buffer; signature: Buffer } };

/** A bundle of any version: the verification material, tlog entries, RFC 3161 replies, and the signed content. */
export function bundle(opts: {
  mediaType: string;
  material: Material;
  content: Content;
  tlogEntries?: Record<string, unknown>[];
  timestamps?: Buffer[];
}): Record<string, unknown> {
  const m = opts.material;
  const material =
    "certificate" in m ? { certificate: { rawBytes: b64(m.certificate) } }
    : "chain" in m ? { x509CertificateChain: { certificates: m.chain.map((c) => ({ rawBytes: b64(c) })) } }
    : { publicKey: { hint: m.publicKeyHint } };
  const verificationMaterial: Record<string, unknown> = { ...material, tlogEntries: opts.tlogEntries ?? [] };
  if (opts.timestamps?.length) {
    verificationMaterial.timestampVerificationData = {
      rfc3161Timestamps: opts.timestamps.map((t) => ({ signedTimestamp: b64(t) })),
    };
  }
  const c = opts.content;
  const content = "dsse" in c
    ? { dsseEnvelope: { payload: b64(c.dsse.payload), payloadType: c.dsse.payloadType, signatures: [{ sig: b64(c.dsse.sig), keyid: c.dsse.keyid ?? "" }] } }
    : { messageSignature: { messageDigest: { algorithm: "SHA2_256", digest: b64(c.message.digest) }, signature: b64(c.message.signature) } };
  return { mediaType: opts.mediaType, verificationMaterial, ...content };
}

const VALID_FOR = { start: CA_START.toISOString().replace(".000Z", "Z") };

/** A trusted_root.json (v0.1 media type, as sigstore-go requires): the CA chains and TSA chains, optional logs, no CT logs. */
export function trustedRoot(authorities: Authority[], logs: Log[] = []): Record<string, unknown> {
  return {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: logs.map((log) => ({
      baseUrl: log.baseUrl,
      hashAlgorithm: "SHA2_256",
      publicKey: {
        rawBytes: b64(log.spki),
        keyDetails: log.kind === "ed25519" ? "PKIX_ED25519" : "PKIX_ECDSA_P256_SHA_256",
        validFor: VALID_FOR,
      },
      logId: { keyId: b64(log.logId) },
    })),
    certificateAuthorities: authorities.map((a) => ({
      subject: { organization: a.org, commonName: `${a.org} root` },
      uri: "https://cairn.test/fulcio",
      certChain: { certificates: [a.intermediate.der, a.root.der].map((d) => ({ rawBytes: b64(d) })) },
      validFor: VALID_FOR,
    })),
    ctlogs: [],
    timestampAuthorities: authorities.map((a) => ({
      subject: { organization: a.org, commonName: `${a.org} timestamp authority` },
      uri: "https://cairn.test/api/v1/timestamp",
      certChain: { certificates: [a.tsa.der, a.root.der].map((d) => ({ rawBytes: b64(d) })) },
      validFor: VALID_FOR,
    })),
  };
}
