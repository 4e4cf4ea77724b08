import { CairnError } from "../../errors.ts";
import { archiveError, type ArchiveEntry, type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from "./collector.ts";
import { gunzipCapped, gunzipPrefix, isGzip } from "./gzip.ts";
import { readTar, tarChecksumOk } from "./tar.ts";
import { readZip } from "./zip.ts";

export { DEFAULT_ARCHIVE_LIMITS, type ArchiveEntry, type ArchiveLimits } from "./collector.ts";
export { planArchiveExplosion, archiveEvidenceName, type ExplodedEntry } from "./explode.ts";
export { peekArchive, type Peek, type PeekEntry } from "./peek.ts";

export type ArchiveFormat = "zip" | "tar" | "tar.gz";

export interface ReadArchiveOptions extends Partial<ArchiveLimits> {
  /** Names the archive in error messages, e.g. the material's file name. Default "archive". */
  label?: string;
}

export interface Archive {
  format: ArchiveFormat;
  /** Regular files in archive order; directories are skipped, everything unsafe is refused. */
  entries: ArchiveEntry[];
}

/** ustar magic ("ustar\0" POSIX or "ustar " GNU) plus a valid header checksum at offset 0. */
function isTarHeader(b: Uint8Array): boolean {
  const magic = String.fromCharCode(...b.subarray(257, 262));
  return magic === "ustar" && tarChecksumOk(b, 0);
}

/**
 * Cheap format check on the first bytes of a file. A gzip stream only counts as "tar.gz" when
 * its first decompressed block is a tar header, so a plain `.gz` file is not an archive.
 */
export function isArchive(head: Uint8Array): ArchiveFormat | null {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    if ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6)) return "zip";
  }
  if (isGzip(head)) return isTarHeader(gunzipPrefix(head.subarray(0, 8192))) ? "tar.gz" : null;
  return isTarHeader(head) ? "tar" : null;
}

/**
 * Reads a zip, tar or tar.gz held in memory into its regular files. Entry paths are normalised and
 * checked (no absolute paths, `..`, backslashes, NUL or control characters); links, devices and
 * duplicate paths are refused; entry count, per-entry and total sizes are limited, checking both
 * declared and actual decompressed sizes. Every failure is CairnError("MATERIAL_INVALID").
 */
export function readArchive(bytes: Uint8Array, opts: ReadArchiveOptions = {}): Archive {
  const label = opts.label ?? "archive";
  const total = opts.maxTotalBytes ?? DEFAULT_ARCHIVE_LIMITS.maxTotalBytes;
  const limits: ArchiveLimits = {
    maxEntries: opts.maxEntries ?? DEFAULT_ARCHIVE_LIMITS.maxEntries,
    maxTotalBytes: total,
    maxEntryBytes: Math.min(opts.maxEntryBytes ?? DEFAULT_ARCHIVE_LIMITS.maxEntryBytes, total),
  };
  const format = isArchive(bytes);
  if (format === null) {
    throw archiveError(label, "is not a zip, tar or tar.gz archive", "format", { hint: "Give a .zip, .tar or .tar.gz file." });
  }
  try {
    if (format === "zip") return { format, entries: readZip(bytes, limits, label) };
    if (format === "tar") return { format, entries: readTar(bytes, limits, label) };
    // Headers and padding cost at most ~2 KiB per member on top of the content itself.
    const cap = limits.maxTotalBytes + 2048 * (limits.maxEntries + 2);
    const tar = gunzipCapped(bytes, cap);
    if (!tar.ok) throw archiveError(label, tar.reason, tar.tooLarge ? "total-size" : "format");
    return { format, entries: readTar(tar.bytes, limits, label) };
  } catch (e) {
    if (e instanceof CairnError) throw e;
    throw archiveError(label, `is a corrupt ${format} archive (${(e as Error).message})`, "format");
  }
}
