/** Storage port for an organization's registered signing keys (the public keys pushed bundles are verified against). */

/** The key types cairn signs with; as src/signing/keys.ts KeyKind. */
export type OrgKeyAlgorithm = "ecdsa-p256" | "ed25519";

export interface OrgKeyRecord {
  id: string;
  orgId: string;
  name: string;
  algorithm: OrgKeyAlgorithm;
  /** Normalized PEM SPKI "PUBLIC KEY" block. */
  publicKeyPem: string;
  /** cosign's key id, base64(sha256(DER SPKI)): what a bundle's publicKey.hint holds. */
  keyId: string;
  createdAt: string;
  /** `token:<name>` or `local`; null for keys older than roles. */
  createdBy: string | null;
  /** Set by a removal; removed keys stay for the record but verify nothing new. */
  removedAt: string | null;
}

export type OrgKeyStatus = "active" | "removed";

export interface OrgKeyQuery {
  orgId: string;
  /** Undefined: every key. */
  status?: OrgKeyStatus;
  limit: number;
  /** Sort key of the previous page's last row (name, then id). */
  after?: { name: string; id: string };
}

export interface OrgKeyRepo {
  insertKey(k: Omit<OrgKeyRecord, "removedAt">): Promise<void>;
  /** The live (not removed) key of this name, if any. */
  findLiveByName(orgId: string, name: string): Promise<OrgKeyRecord | undefined>;
  /** The live key with this key id, if any. */
  findLiveByKeyId(orgId: string, keyId: string): Promise<OrgKeyRecord | undefined>;
  /** Every live key of the organization, by name. */
  liveKeys(orgId: string): Promise<OrgKeyRecord[]>;
  /** Ordered by name, then id. */
  listKeys(q: OrgKeyQuery): Promise<OrgKeyRecord[]>;
  /** Soft removal: sets removed_at unless already set. */
  removeKey(id: string, now: string): Promise<void>;
}
