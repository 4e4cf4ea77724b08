// Object identifiers and hash algorithms of the RFC 3161 timestamp authority.

/** Sigstore's timestamp policy (timestamp-authority's default `tsaPolicyOID`), cairn's default. */
export const DEFAULT_TSA_POLICY = "1.3.6.1.4.1.57264.2";

export type TsaHash = "sha256" | "sha384" | "sha512";

export interface HashInfo {
  name: TsaHash;
  oid: string;
  /** The WebCrypto / node:crypto names. */
  webcrypto: "SHA-256" | "SHA-384" | "SHA-512";
  bytes: number;
}

export const HASHES: Record<TsaHash, HashInfo> = {
  sha256: { name: "sha256", oid: "2.16.840.1.101.3.4.2.1", webcrypto: "SHA-256", bytes: 32 },
  sha384: { name: "sha384", oid: "2.16.840.1.101.3.4.2.2", webcrypto: "SHA-384", bytes: 48 },
  sha512: { name: "sha512", oid: "2.16.840.1.101.3.4.2.3", webcrypto: "SHA-512", bytes: 64 },
};

/** Hash OIDs a request may name that are refused by name (weak), so the message says which one it was. */
export const WEAK_HASH_OIDS: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "1.2.840.113549.2.5": "md5",
  "1.2.840.113549.2.2": "md2",
  "2.16.840.1.101.3.4.2.4": "sha224",
};

export function hashByOid(oid: string): HashInfo | undefined {
  return Object.values(HASHES).find((h) => h.oid === oid);
}

export const OID = {
  signedData: "1.2.840.113549.1.7.2",
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  extKeyUsage: "2.5.29.37",
  timeStamping: "1.3.6.1.5.5.7.3.8",
} as const;
