import { zlib } from "./zlib.ts";

/**
 * gzip helpers over in-memory bytes. node:zlib is used rather than fflate: under Bun it is
 * 4–6x faster (native) and `maxOutputLength` enforces the *actual* decompressed size, which is
 * what stops a gzip bomb (a gzip header's ISIZE is only a hint mod 2^32).
 */

/** gzip magic + deflate method. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

export type GunzipResult = { ok: true; bytes: Uint8Array } | { ok: false; tooLarge: boolean; reason: string };

/** Decompresses a whole gzip stream, refusing output larger than `cap` bytes. Never throws. */
export function gunzipCapped(bytes: Uint8Array, cap: number): GunzipResult {
  try {
    return { ok: true, bytes: zlib().gunzipSync(bytes, { maxOutputLength: Math.max(1, cap) }) };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") return { ok: false, tooLarge: true, reason: `decompresses to more than ${cap} bytes` };
    return { ok: false, tooLarge: false, reason: `is not valid gzip (${(e as Error).message})` };
  }
}

const PREFIX_CAP = 2 * 1024 * 1024;

/**
 * Decompresses as much as possible of a possibly truncated gzip prefix (a sniff head), with
 * bounded work: if the head inflates past 2 MiB we retry with a shorter input slice (deflate
 * expands at most ~1032:1, so 1 KiB of input always fits). Returns an empty array on garbage.
 */
export function gunzipPrefix(head: Uint8Array): Uint8Array {
  for (const n of [head.length, 16 * 1024, 1024]) {
    try {
      return zlib().gunzipSync(head.subarray(0, n), { finishFlush: zlib().constants.Z_SYNC_FLUSH, maxOutputLength: PREFIX_CAP });
    } catch (e) {
      if ((e as { code?: unknown }).code !== "ERR_BUFFER_TOO_LARGE") return new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
}
