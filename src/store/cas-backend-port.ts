/**
 * Storage port for CAS backends (`cairn cas-backend add|list|set-default|remove`): where evidence blobs live.
 * The built-in `local` backend (the disk CAS under the home) is not stored; it is the default while no other is.
 * Backends belong to the cairn home (one registry for a small team's `cairn serve`), not to an organization.
 */

export type CasBackendProvider = "oci" | "s3";

/**
 * An S3 (or S3-compatible) bucket: blobs at `PREFIX/sha256/<hex>`. The credentials are never stored, only the names of
 * the env variables holding them, read when the backend is used.
 */
export interface S3Settings {
  bucket: string;
  /** Key prefix without leading or trailing slash; "" for the bucket's root. */
  prefix: string;
  /** http(s)://host[:port] of the S3 API. */
  endpoint: string;
  region: string;
  /** Path-style URLs (endpoint/bucket/key), as most self-hosted servers need; else virtual-hosted (bucket.endpoint/key). */
  pathStyle: boolean;
  accessKeyEnv: string;
  secretKeyEnv: string;
}

export interface CasBackendRecord {
  id: string;
  /** Unique among live backends; `local` is reserved. */
  name: string;
  provider: CasBackendProvider;
  /** OCI: HOST[:PORT]/NAMESPACE[/…], the repository evidence is pushed to. S3: s3://BUCKET[/PREFIX]. */
  location: string;
  /** Registry user; the password is never stored, only the name of the env variable holding it. */
  username: string | null;
  passwordEnv: string | null;
  /** Plain http (a registry on a private network without TLS); only when the user said so. */
  insecureHttp: boolean;
  /** Provider s3 only (username and passwordEnv are null then; location repeats bucket and prefix). */
  s3?: S3Settings;
  isDefault: boolean;
  createdAt: string;
}

export interface CasBackendRepo {
  /** Inserts; when `isDefault`, clears the flag on every other backend in the same transaction. */
  insert(b: CasBackendRecord): Promise<void>;
  list(): Promise<CasBackendRecord[]>;
  findByName(name: string): Promise<CasBackendRecord | undefined>;
  /** The default backend, or undefined when the built-in local CAS is the default. */
  findDefault(): Promise<CasBackendRecord | undefined>;
  /** `name` undefined: the local CAS becomes the default again. */
  setDefault(name: string | undefined): Promise<void>;
  remove(name: string): Promise<void>;
}
