import { zlib } from "./zlib.ts";
import type { MemberType } from "./collector.ts";
import { gunzipPrefix, isGzip } from "./gzip.ts";
import { normalizeEntryPath } from "./paths.ts";
import { walkTar } from "./tar.ts";

/**
 * Best-effort look into an archive from its first bytes only, for `sniff`: which entries are
 * visible and how their content starts. Never throws; unsafe or unreadable entries are left out.
 */
export interface PeekEntry {
  path: string;
  type: MemberType | "unsupported";
  /** Up to the first 4 KiB of the entry's content that the head holds (decompressed); may be empty. */
  content(): Uint8Array;
}

const MAX_PEEK = 256;
const CONTENT = 4096;
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();

function inflatePrefix(data: Uint8Array): Uint8Array {
  // 4 KiB of deflate input nearly always yields the 4 KiB of output wanted; 1 KiB always fits the cap.
  for (const n of [Math.min(data.length, CONTENT), 1024]) {
    try {
      return zlib().inflateRawSync(data.subarray(0, n), { finishFlush: zlib().constants.Z_SYNC_FLUSH, maxOutputLength: 2 * 1024 * 1024 }).subarray(0, CONTENT);
    } catch (e) {
      if ((e as { code?: unknown }).code !== "ERR_BUFFER_TOO_LARGE") return EMPTY;
    }
  }
  return EMPTY;
}

/**
 * Zip: scans the head for local-file and central-directory signatures rather than walking headers,
 * because streamed zips (data descriptors) do not record sizes up front. A stray signature inside
 * compressed data yields at worst a junk name that matches nothing.
 */
function peekZip(head: Uint8Array): PeekEntry[] {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const found = new Map<string, PeekEntry>();
  for (let i = 0; i + 46 <= head.length && found.size < MAX_PEEK; i++) {
    if (head[i] !== 0x50 || head[i + 1] !== 0x4b) continue;
    const sig = dv.getUint32(i, true);
    const local = sig === 0x04034b50;
    if (!local && sig !== 0x02014b50) continue;
    const nameLen = dv.getUint16(i + (local ? 26 : 28), true);
    const nameAt = i + (local ? 30 : 46);
    const p = normalizeEntryPath(utf8.decode(head.subarray(nameAt, nameAt + nameLen)));
    if (!p.ok || p.path === "" || found.has(p.path)) continue;
    const method = dv.getUint16(i + (local ? 8 : 10), true);
    const start = nameAt + nameLen + dv.getUint16(i + 28, true);
    const csize = dv.getUint32(i + 18, true);
    const end = csize > 0 ? Math.min(head.length, start + csize) : head.length;
    const content = (): Uint8Array => {
      if (!local || start >= head.length) return EMPTY;
      if (method === 0) return head.subarray(start, Math.min(end, start + CONTENT));
      return method === 8 ? inflatePrefix(head.subarray(start, end)) : EMPTY;
    };
    found.set(p.path, { path: p.path, type: p.dir ? "dir" : "file", content });
  }
  return [...found.values()];
}

function peekTar(tar: Uint8Array): PeekEntry[] {
  const out: PeekEntry[] = [];
  try {
    for (const m of walkTar(tar, true)) {
      const p = normalizeEntryPath(m.name);
      if (p.ok && p.path !== "") {
        const type = p.dir ? "dir" : m.type;
        out.push({ path: p.path, type, content: () => tar.subarray(m.data, Math.min(m.data + m.size, m.data + CONTENT, tar.length)) });
      }
      if (out.length >= MAX_PEEK) break;
    }
  } catch {
    // Sniffing is best effort: a malformed header just ends the listing.
  }
  return out;
}

export interface Peek {
  format: "zip" | "tar" | "tar.gz";
  entries: PeekEntry[];
}

// Several kinds peek at the same head during one detection; the result is a pure function of it.
const memo = new WeakMap<Uint8Array, Peek | null>();

/** Entries visible in the head of a zip, tar or tar.gz, in archive order; null when not an archive. */
export function peekArchive(head: Uint8Array): Peek | null {
  if (!memo.has(head)) memo.set(head, peek(head));
  return memo.get(head) ?? null;
}

function peek(head: Uint8Array): Peek | null {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) {
    return { format: "zip", entries: peekZip(head) };
  }
  if (isGzip(head)) {
    const tar = gunzipPrefix(head);
    const entries = peekTar(tar);
    return entries.length > 0 ? { format: "tar.gz", entries } : null;
  }
  const entries = peekTar(head);
  return entries.length > 0 ? { format: "tar", entries } : null;
}
