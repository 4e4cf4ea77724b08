/** Storage port for the policy store (`cairn policy add|list|describe`, contract references by bare name). */

/** One immutable revision of a stored policy. */
export interface PolicyRevisionRecord {
  id: string;
  orgId: string;
  name: string;
  /** 1, 2, … per (organization, name). */
  revision: number;
  description: string;
  /** The policy text as added (YAML or JSON). */
  source: string;
  /** `sha256:<hex>` of `source`: the digest a compiled policy and a predicate carry. */
  digest: string;
  /** sha256 of the normalized document: equal content = no new revision. */
  contentDigest: string;
  createdAt: string;
}

/** A stored policy as `policy list` shows it: its latest revision plus when it was first added. */
export interface PolicySummary {
  name: string;
  description: string;
  latestRevision: number;
  digest: string;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyRevisionInfo {
  revision: number;
  digest: string;
  createdAt: string;
}

export interface PolicyRepo {
  /** The newest revision of a policy; undefined when the organization has no policy of that name. */
  latest(orgId: string, name: string): Promise<PolicyRevisionRecord | undefined>;
  revision(orgId: string, name: string, revision: number): Promise<PolicyRevisionRecord | undefined>;
  /** Every revision, oldest first. */
  listRevisions(orgId: string, name: string): Promise<PolicyRevisionInfo[]>;
  insertRevision(r: PolicyRevisionRecord): Promise<void>;
  /** Policies by name after `afterName`, at most `limit`. */
  listPolicies(orgId: string, limit: number, afterName?: string): Promise<PolicySummary[]>;
}
