import { excerpt } from "../../bounded.ts";
import { archiveError, type ArchiveEntry, type ArchiveLimits, EntryCollector, type MemberType } from "./collector.ts";

/**
 * A small synchronous tar header parser over an in-memory buffer (ustar, GNU long names, pax
 * `path`/`size`/`linkpath`). tar-stream was considered: it only works through async streams, and
 * sniffing needs to walk headers of a decompressed prefix synchronously, so one parser serves both
 * (tests cross-check it against archives written by tar-stream's packer).
 */

export interface TarMember {
  /** Raw name after pax / GNU long-name overrides (not yet normalised). */
  name: string;
  type: MemberType | "unsupported";
  /** The typeflag character, for messages. */
  flag: string;
  size: number;
  /** Offset of the member's data in the buffer. */
  data: number;
}

/** Thrown by walkTar on malformed input; callers turn it into a CairnError or stop sniffing. */
export class TarFormatError extends Error {}

const BLOCK = 512;
const MAX_META = 1024 * 1024;
const utf8 = new TextDecoder();

function cstring(b: Uint8Array, off: number, len: number): string {
  const end = b.subarray(off, off + len).indexOf(0);
  return utf8.decode(b.subarray(off, end < 0 ? off + len : off + end));
}

/** Octal field (NUL/space padded), or GNU base-256 when the high bit is set. NaN when malformed. */
function numeric(b: Uint8Array, off: number, len: number): number {
  if ((b[off] ?? 0) & 0x80) {
    let v = (b[off] ?? 0) & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (b[off + i] ?? 0);
    return v;
  }
  const s = cstring(b, off, len).trim();
  return s === "" ? 0 : /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
}

/** Header checksum: sum of all bytes with the checksum field read as spaces. */
export function tarChecksumOk(b: Uint8Array, off: number): boolean {
  if (off + BLOCK > b.length) return false;
  const want = numeric(b, off + 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (b[off + i] ?? 0);
  return sum === want;
}

function isZeroBlock(b: Uint8Array, off: number): boolean {
  for (let i = off; i < off + BLOCK && i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function memberType(flag: string): MemberType | "unsupported" {
  if (flag === "0" || flag === "\0" || flag === "7") return "file";
  if (flag === "5" || flag === "D") return "dir";
  if (flag === "2") return "symlink";
  if (flag === "1") return "hardlink";
  if (flag === "3" || flag === "4" || flag === "6") return "special";
  return "unsupported";
}

/** pax extended header records: "<len> <key>=<value>\n", where len counts bytes (not characters). */
function parsePax(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < data.length; ) {
    const sp = data.indexOf(0x20, i);
    const len = sp < 0 ? NaN : Number(utf8.decode(data.subarray(i, sp)));
    if (!Number.isInteger(len) || len <= sp - i || i + len > data.length) throw new TarFormatError("has a malformed pax header");
    const rec = utf8.decode(data.subarray(sp + 1, i + len - 1));
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Walks tar members. With `partial` (sniffing a truncated prefix) it stops quietly at the first
 * incomplete header or member; otherwise malformed or truncated input throws TarFormatError.
 */
export function* walkTar(b: Uint8Array, partial: boolean): Generator<TarMember> {
  let pax = new Map<string, string>();
  let longName: string | undefined;
  for (let off = 0; off < b.length; ) {
    if (off + BLOCK > b.length) {
      if (partial || isZeroBlock(b, off)) return;
      throw new TarFormatError("is truncated inside a tar header");
    }
    if (isZeroBlock(b, off)) return;
    if (!tarChecksumOk(b, off)) {
      if (partial) return;
      throw new TarFormatError(`has a tar header with a bad checksum at offset ${off}`);
    }
    const flag = String.fromCharCode(b[off + 156] ?? 0);
    const size = Number(pax.get("size") ?? numeric(b, off + 124, 12));
    if (!Number.isSafeInteger(size) || size < 0) throw new TarFormatError(`has a tar header with a bad size at offset ${off}`);
    const data = off + BLOCK;
    const next = data + Math.ceil(size / BLOCK) * BLOCK;
    if (data + size > b.length) {
      if (partial) return;
      // A file member's truncation is reported by the reader, which knows the entry name.
      if (flag === "x" || flag === "g" || flag === "L" || flag === "K") throw new TarFormatError("is truncated inside a tar metadata header");
    }
    if (flag === "x" || flag === "g" || flag === "L" || flag === "K") {
      if (size > MAX_META) throw new TarFormatError(`has a ${size}-byte tar metadata header`);
      if (flag === "x") pax = parsePax(b.subarray(data, data + size));
      if (flag === "L") longName = cstring(b, data, size);
      off = next;
      continue;
    }
    const ustar = cstring(b, off + 257, 6) === "ustar" && b[off + 262] === 0;
    const prefix = ustar ? cstring(b, off + 345, 155) : "";
    const short = cstring(b, off, 100);
    const name = pax.get("path") ?? longName ?? (prefix === "" ? short : `${prefix}/${short}`);
    yield { name, type: memberType(flag), flag, size, data };
    pax = new Map();
    longName = undefined;
    off = next;
  }
}

/** Reads every regular file of an uncompressed tar held in memory. */
export function readTar(b: Uint8Array, limits: ArchiveLimits, label: string): ArchiveEntry[] {
  const out = new EntryCollector(label, limits);
  try {
    for (const m of walkTar(b, false)) {
      if (m.type === "unsupported") {
        throw archiveError(label, `entry ${excerpt(m.name)} has unsupported tar type '${m.flag}'`, "format", { entry: m.name });
      }
      const path = out.admit(m.name, m.type, m.size);
      if (path === null) continue;
      if (m.data + m.size > b.length) throw archiveError(label, `entry ${excerpt(m.name)} is truncated`, "format", { entry: m.name });
      out.add(path, b.subarray(m.data, m.data + m.size));
    }
  } catch (e) {
    if (e instanceof TarFormatError) throw archiveError(label, e.message, "format");
    throw e;
  }
  return out.entries;
}
