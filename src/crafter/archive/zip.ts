import { excerpt } from "../../bounded.ts";
import { zlib } from "./zlib.ts";
import { archiveError, type ArchiveEntry, type ArchiveLimits, EntryCollector, type MemberType } from "./collector.ts";

/**
 * In-memory zip reader driven by the central directory (the authoritative index, as unzip uses).
 * Members pass EntryCollector before anything is inflated; inflation is capped at the declared
 * size (`maxOutputLength`), and the result must match the declared size and CRC-32, so a member
 * that lies about its size is refused rather than truncated or allowed to balloon.
 * Supported: stored and deflated members, zip64. Refused: encryption, multi-disk, other methods.
 * fflate is not used here: node:zlib is several times faster under Bun and enforces actual sizes.
 */

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOC = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;
const utf8 = new TextDecoder();

interface Member {
  name: string;
  type: MemberType;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  local: number;
}

function findDirectory(b: Uint8Array, dv: DataView, label: string): { count: number; offset: number } {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) !== SIG_EOCD || i + 22 + dv.getUint16(i + 20, true) > b.length) continue;
    if (dv.getUint16(i + 4, true) !== 0 || dv.getUint16(i + 6, true) !== 0) throw archiveError(label, "is a multi-disk zip, which is not supported", "format");
    const count = dv.getUint16(i + 10, true);
    const offset = dv.getUint32(i + 16, true);
    if ((count !== 0xffff && offset !== MAX32) || i < 20 || dv.getUint32(i - 20, true) !== SIG_EOCD64_LOC) return { count, offset };
    const at = Number(dv.getBigUint64(i - 12, true));
    if (at + 56 > b.length || dv.getUint32(at, true) !== SIG_EOCD64) throw archiveError(label, "has a corrupt zip64 end record", "format");
    return { count: Number(dv.getBigUint64(at + 32, true)), offset: Number(dv.getBigUint64(at + 48, true)) };
  }
  throw archiveError(label, "is not a readable zip (no end of central directory record)", "format");
}

/** Unix file type from the external attributes when the archive was made on Unix or macOS. */
function memberType(madeBy: number, external: number, name: string): MemberType {
  const host = madeBy >> 8;
  const fmt = host === 3 || host === 19 ? (external >>> 16) & 0o170000 : 0;
  if (fmt === 0o120000) return "symlink";
  if (fmt === 0o040000 || (external & 0x10) !== 0 || name.endsWith("/")) return "dir";
  return fmt === 0 || fmt === 0o100000 ? "file" : "special";
}

/** Parses the central directory record at `p`; returns it and the offset of the next one. */
function centralRecord(b: Uint8Array, dv: DataView, p: number): [Member, number] {
  const nameLen = dv.getUint16(p + 28, true);
  const extraLen = dv.getUint16(p + 30, true);
  const name = utf8.decode(b.subarray(p + 46, p + 46 + nameLen));
  const m: Member = {
    name,
    type: memberType(dv.getUint16(p + 4, true), dv.getUint32(p + 38, true), name),
    flags: dv.getUint16(p + 8, true),
    method: dv.getUint16(p + 10, true),
    crc: dv.getUint32(p + 16, true),
    csize: dv.getUint32(p + 20, true),
    usize: dv.getUint32(p + 24, true),
    local: dv.getUint32(p + 42, true),
  };
  // zip64: the 0x0001 extra field holds the 64-bit value of each saturated field, in this order.
  for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; e += 4 + dv.getUint16(e + 2, true)) {
    if (dv.getUint16(e, true) !== 0x0001) continue;
    let q = e + 4;
    const next = (): number => Number(dv.getBigUint64((q += 8) - 8, true));
    if (m.usize === MAX32) m.usize = next();
    if (m.csize === MAX32) m.csize = next();
    if (m.local === MAX32) m.local = next();
  }
  return [m, p + 46 + nameLen + extraLen + dv.getUint16(p + 32, true)];
}

function memberBytes(b: Uint8Array, dv: DataView, m: Member, label: string): Uint8Array {
  const shown = excerpt(m.name);
  const fail = (what: string, rule: "format" | "integrity" = "format") => archiveError(label, `entry ${shown} ${what}`, rule, { entry: m.name });
  if ((m.flags & 1) !== 0) throw fail("is encrypted");
  if (m.local + 30 > b.length || dv.getUint32(m.local, true) !== SIG_LOCAL) throw fail("has a corrupt local header");
  const start = m.local + 30 + dv.getUint16(m.local + 26, true) + dv.getUint16(m.local + 28, true);
  if (start + m.csize > b.length) throw fail("is truncated");
  const data = b.subarray(start, start + m.csize);
  let bytes: Uint8Array = data;
  if (m.method === 8 && m.usize > 0) {
    try {
      bytes = zlib().inflateRawSync(data, { maxOutputLength: m.usize });
    } catch (e) {
      const lies = (e as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE";
      throw lies ? fail(`inflates past its declared size of ${m.usize} bytes`, "integrity") : fail("is not valid deflate data");
    }
  } else if (m.method === 8) {
    bytes = new Uint8Array(0);
  } else if (m.method !== 0) {
    throw fail(`uses compression method ${m.method}; only stored and deflate are supported`);
  }
  if (bytes.length !== m.usize) throw fail(`is ${bytes.length} bytes but declares ${m.usize}`, "integrity");
  if (zlib().crc32(bytes) >>> 0 !== m.crc) throw fail("fails its CRC-32 check", "integrity");
  return bytes;
}

/** Reads every regular file of a zip held in memory. */
export function readZip(b: Uint8Array, limits: ArchiveLimits, label: string): ArchiveEntry[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dir = findDirectory(b, dv, label);
  if (dir.count > limits.maxEntries) {
    throw archiveError(label, `has ${dir.count} entries, over the limit of ${limits.maxEntries} (entry limit)`, "entry-count");
  }
  const out = new EntryCollector(label, limits);
  for (let n = 0, p = dir.offset; n < dir.count; n++) {
    if (p + 46 > b.length || dv.getUint32(p, true) !== SIG_CENTRAL) throw archiveError(label, "has a corrupt zip central directory", "format");
    const [m, next] = centralRecord(b, dv, p);
    p = next;
    const path = out.admit(m.name, m.type, m.usize);
    if (path !== null) out.add(path, memberBytes(b, dv, m, label));
  }
  return out.entries;
}
