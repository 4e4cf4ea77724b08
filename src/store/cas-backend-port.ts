/**
 * Storage port for CAS backends (`cairn cas-backend add|list|set-default|remove`): where evidence blobs live.
 * The built-in `local` backend (the disk CAS under the home) is not stored; it is the default while no other is.
 * Backends belong to the cairn home (one registry for a small team's `cairn serve`), not to an organization.
 */

export type CasBackendProvider = "oci";

export interface CasBackendRecord {
  id: string;
  /** Unique among live backends; `local` is reserved. */
  name: string;
  provider: CasBackendProvider;
  /** OCI: HOST[:PORT]/NAMESPACE[/…], the repository evidence is pushed to. */
  location: string;
  /** Registry user; the password is never stored, only the name of the env variable holding it. */
  username: string | null;
  passwordEnv: string | null;
  /** Plain http (a registry on a private network without TLS); only when the user said so. */
  insecureHttp: boolean;
  isDefault: boolean;
  createdAt: string;
}

export interface CasBackendRepo {
  /** Inserts; when `isDefault`, clears the flag on every other backend in the same transaction. */
  insert(b: CasBackendRecord): void;
  list(): CasBackendRecord[];
  findByName(name: string): CasBackendRecord | undefined;
  /** The default backend, or undefined when the built-in local CAS is the default. */
  findDefault(): CasBackendRecord | undefined;
  /** `name` undefined: the local CAS becomes the default again. */
  setDefault(name: string | undefined): void;
  remove(name: string): void;
}
