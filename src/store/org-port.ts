import type { Role } from "../services/control/roles.ts";

/** Storage port for organizations, the current-organization setting, API tokens and the blob references gc/fsck need. */

export interface OrgRecord {
  id: string;
  name: string;
  createdAt: string;
}

/** An API token row. Only the sha256 of the secret is ever stored. */
export interface TokenRecord {
  id: string;
  orgId: string;
  /** The organization's name (requests are scoped by it). */
  orgName: string;
  name: string;
  description: string | null;
  projectId: string | null;
  workflowId: string | null;
  /** The instance admin token of `cairn serve` (may create organizations). */
  admin: boolean;
  role: Role;
  /** `token:<name>` or `local`; null for tokens older than roles. */
  createdBy: string | null;
  /** Names for display (null when unscoped). */
  project: string | null;
  workflow: string | null;
  /** The scoped workflow was deleted after the token was made. */
  workflowDeleted: boolean;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type TokenStatus = "active" | "revoked" | "expired";

export interface NewToken {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  projectId: string | null;
  workflowId: string | null;
  tokenHash: string;
  createdAt: string;
  expiresAt: string | null;
  admin?: boolean;
  role: Role;
  createdBy: string;
}

export interface TokenQuery {
  orgId: string;
  /** Undefined: every token. */
  status?: TokenStatus;
  /** ISO time deciding expired vs active. */
  now: string;
  limit: number;
  /** Sort key of the previous page's last row (created_at DESC, id DESC). */
  after?: { createdAt: string; id: string };
}

/** Where a stored blob is referenced from; any one of them keeps it from gc. */
export type BlobRefSource = "attestation" | "referrer" | "upload";

/** A referenced blob; an attestation's names its run and organization (fsck verifies it with that org's keys). */
export interface ReferencedBlob {
  digest: string;
  source: BlobRefSource;
  runId?: string;
  orgId?: string;
}

export interface OrgRepo {
  // Organizations and the current-organization setting
  insertOrg(name: string, now: string): Promise<OrgRecord>;
  getOrg(name: string): Promise<OrgRecord | undefined>;
  /** Ordered by name, after `afterName`. */
  listOrgs(limit: number, afterName?: string): Promise<OrgRecord[]>;
  /** settings.current_org, or undefined. */
  currentOrg(): Promise<string | undefined>;
  setCurrentOrg(name: string): Promise<void>;
  findProject(orgId: string, name: string): Promise<{ id: string; name: string } | undefined>;

  // API tokens
  insertToken(t: NewToken): Promise<void>;
  getToken(orgId: string, id: string): Promise<TokenRecord | undefined>;
  findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  /** A live (not revoked, not expired at `now`) token of this name in the organization. */
  findLiveTokenByName(orgId: string, name: string, now: string): Promise<TokenRecord | undefined>;
  listTokens(q: TokenQuery): Promise<TokenRecord[]>;
  revokeToken(id: string, now: string): Promise<void>;
  touchToken(id: string, now: string): Promise<void>;
  /** Whether an admin token was ever created (revoked or expired ones count: it is printed once per store). */
  hasAdminToken(): Promise<boolean>;
  /** organizations.max_blob_bytes: the organization's CAS blob size limit, null for the server default. */
  maxBlobBytes(orgId: string): Promise<number | null>;
  setMaxBlobBytes(orgId: string, bytes: number | null): Promise<void>;
  /** organizations.implicit_workflows: whether an attestor's `att init` may create a missing workflow. */
  implicitWorkflows(orgId: string): Promise<boolean>;
  setImplicitWorkflows(orgId: string, allowed: boolean): Promise<void>;

  // Blob references (every organization: the CAS is shared)
  /** Every referenced blob digest with where it comes from; paged internally, so no statement stays open. */
  referencedBlobs(): AsyncIterable<ReferencedBlob>;
  isBlobReferenced(digest: string): Promise<boolean>;

  // Store checks (`store fsck`)
  /** Every run row with an attestation digest, as the row says (paged internally by rowid). */
  attestedRuns(): AsyncIterable<AttestedRunRow>;
  /** SQLite's `PRAGMA integrity_check`: [] when it finds the database sound, else its messages (at most `max`). */
  integrityCheck(max?: number): Promise<string[]>;
}

/** What a server's token cache hears from the other processes on its database (token-cache.ts). */
export interface TokenFeedHandlers {
  /** A token was revoked. */
  revoked(tokenId: string): void;
  /** A workflow was deleted: the tokens scoped to it no longer authenticate. */
  workflowDeleted(workflowId: string): void;
  /** A ping this feed sent came back; every notice committed before it was sent has been delivered first. */
  pong(payload: string): void;
  /** The subscription is (again) in place: at first, and after a reconnect, when notices in between were lost. */
  listening(): void;
}

/**
 * Revocations as they commit, from any process on the database (PostgreSQL: LISTEN/NOTIFY). SQLite has none: no
 * notice reaches `cairn serve` from a CLI revoking beside it, so there tokens are read every time.
 */
export interface TokenFeed {
  /** Resolves once listening, with the unsubscribe. */
  subscribe(h: TokenFeedHandlers): Promise<() => Promise<void>>;
  /** A notice every subscriber gets back as pong(payload), in commit order with the revocations. */
  ping(payload: string): Promise<void>;
}

/** A run row as fsck compares it with the statement its attestation digest points at. */
export interface AttestedRunRow {
  id: string;
  orgId: string;
  state: string;
  attestationDigest: string;
  workflow: string;
  project: string;
}
