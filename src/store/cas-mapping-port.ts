import type { Scope } from "./ports.ts";

/** How the bytes arrived through the mapping's scope. */
export type CasSource = "upload" | "attestation" | "import";

/**
 * A grant to read one blob: organization `orgId` may read `digest`, organization-wide or within a project or
 * workflow. Content addressing deduplicates bytes, not permissions: the same bytes arriving elsewhere grant nothing.
 */
export interface CasMapping {
  orgId: string;
  digest: string;
  /** Where the bytes arrived: absent = organization-wide; a project; a workflow (the store adds its project). */
  scope?: Scope;
  source: CasSource;
  /** The file name given when they arrived (upload name, material file name), to download them as. */
  name?: string | null;
  createdAt: string;
}

/**
 * The one authority for reading CAS blobs (downloads) and for citing them as uploaded (verified push). Every
 * mapping is written beside a row gc already counts (an upload, an attestation, a stored referrer node), so gc and
 * fsck need not read this table.
 */
export interface CasMappingRepo {
  /** Idempotent per (org, digest, project, workflow): the first mapping keeps its source, name and time. */
  record(m: CasMapping): Promise<void>;
  /**
   * Whether the organization holds the digest for this scope. No scope: any mapping of the organization. A project
   * scope: mappings of that project. A workflow scope: only mappings of that workflow (not project-wide uploads).
   */
  holds(orgId: string, digest: string, scope?: Scope): Promise<boolean>;
  /** The oldest name among the mappings `holds` would count; undefined when none has one. */
  nameFor(orgId: string, digest: string, scope?: Scope): Promise<string | undefined>;
}
