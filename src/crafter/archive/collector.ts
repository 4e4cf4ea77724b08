import { excerpt } from "../../bounded.ts";
import { CairnError } from "../../errors.ts";
import { normalizeEntryPath } from "./paths.ts";

/** Bounds on what reading an archive may produce. */
export interface ArchiveLimits {
  /** Members of any type (files, directories), counted before anything is decompressed. */
  maxEntries: number;
  /** Sum of decompressed file sizes. */
  maxTotalBytes: number;
  /** Decompressed size of one file. */
  maxEntryBytes: number;
}

/**
 * Every entry read is held in memory and then parsed by its kind, so the budget is what keeps a 1 MB bomb from
 * costing gigabytes (issue 18: 1.4–1.9 GB with the former 1 GiB limits): 64 MiB decompressed in all, 32 MiB per
 * entry, keeps `cairn check` / `att add` / `policy eval` on any archive under 256 MiB of RSS.
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 64 * 1024 * 1024,
  maxEntryBytes: 32 * 1024 * 1024,
};

export interface ArchiveEntry {
  /** Normalised relative path (see normalizeEntryPath). */
  path: string;
  bytes: Uint8Array;
}

/** What an archive member is, as far as safety is concerned. */
export type MemberType = "file" | "dir" | "symlink" | "hardlink" | "special";

/** Which rule refused an archive; in CairnError.details.rule for -o json and tests. */
export type ArchiveRule =
  | "format" // not an archive, corrupt or unsupported structure
  | "path" // unsafe entry path
  | "link" // symbolic or hard link
  | "special" // device, FIFO, socket
  | "duplicate" // two entries with the same path
  | "entry-count"
  | "entry-size"
  | "total-size"
  | "integrity"; // size or CRC does not match what the archive declares

/** Builds the CairnError every archive failure uses: "<label>: <what>", details {rule, entry?}. */
export function archiveError(label: string, what: string, rule: ArchiveRule, extra: { entry?: string; hint?: string } = {}): CairnError {
  const details = extra.entry === undefined ? { rule } : { rule, entry: extra.entry };
  return new CairnError("MATERIAL_INVALID", `${label}: ${what}`, extra.hint === undefined ? { details } : { details, hint: extra.hint });
}

const LIMIT_HINT = "The archive is over cairn's safety limits; split it into smaller archives.";

/**
 * Applies the per-member rules shared by the zip and tar readers, in the order that keeps work
 * bounded: count first, then path safety, then type, then the *declared* size (so nothing is
 * decompressed for a member that is already over the limit). Readers must still check the
 * actual decompressed size against the declared one.
 */
export class EntryCollector {
  readonly entries: ArchiveEntry[] = [];
  private readonly seen = new Set<string>();
  private members = 0;
  private total = 0;

  constructor(
    private readonly label: string,
    private readonly limits: ArchiveLimits,
  ) {}

  /** Returns the normalised path of a file member to read, or null for a directory to skip. Throws when unsafe. */
  admit(raw: string, type: MemberType, declaredSize: number): string | null {
    const { label, limits } = this;
    this.members++;
    if (this.members > limits.maxEntries) {
      throw archiveError(label, `has more than ${limits.maxEntries} entries (entry limit)`, "entry-count", { hint: LIMIT_HINT });
    }
    const shown = excerpt(raw);
    const p = normalizeEntryPath(raw);
    if (!p.ok) throw archiveError(label, `entry ${shown} ${p.reason}; unsafe paths are refused`, "path", { entry: raw });
    if (type === "dir" || (p.dir && declaredSize === 0)) return null;
    if (p.dir) throw archiveError(label, `entry ${shown} is a directory with content`, "format", { entry: raw });
    if (type === "symlink" || type === "hardlink") {
      throw archiveError(label, `entry ${shown} is a ${type === "symlink" ? "symbolic" : "hard"} link; links are not allowed`, "link", { entry: raw });
    }
    if (type === "special") throw archiveError(label, `entry ${shown} is a device, FIFO or socket; only regular files are allowed`, "special", { entry: raw });
    if (declaredSize > limits.maxEntryBytes) {
      throw archiveError(label, `entry ${shown} is ${declaredSize} bytes, over the per-entry limit of ${limits.maxEntryBytes} bytes`, "entry-size", { entry: raw, hint: LIMIT_HINT });
    }
    if (this.total + declaredSize > limits.maxTotalBytes) {
      throw archiveError(label, `entries up to ${shown} total more than ${limits.maxTotalBytes} bytes (total size limit)`, "total-size", { entry: raw, hint: LIMIT_HINT });
    }
    if (this.seen.has(p.path)) throw archiveError(label, `entry ${shown} appears twice`, "duplicate", { entry: raw });
    this.seen.add(p.path);
    this.total += declaredSize;
    return p.path;
  }

  add(path: string, bytes: Uint8Array): void {
    this.entries.push({ path, bytes });
  }
}
