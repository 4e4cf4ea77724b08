/**
 * RFC 6962 hashing (SHA-256): leaf and interior node hashes, and the root of the empty tree.
 * Pure: node:crypto only.
 */
import { hash } from "node:crypto";

export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// A plain Uint8Array copy (not a Buffer, not a view: a view over the Buffer's memory costs twice the hash).
function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_SIZE);
  out.set(hash("sha256", data, "buffer"));
  return out;
}

/** SHA-256(0x00 ‖ entry): the RFC 6962 hash of one log entry. */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + entry.length);
  buf[0] = LEAF_PREFIX;
  buf.set(entry, 1);
  return sha256(buf);
}

// One scratch buffer for interior nodes: hashing is synchronous, so it is never shared between calls.
const scratch = new Uint8Array(1 + 2 * HASH_SIZE);

/** SHA-256(0x01 ‖ left ‖ right): the RFC 6962 hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`nodeHash: children must be ${HASH_SIZE}-byte hashes (got ${left.length} and ${right.length})`);
  }
  scratch[0] = NODE_PREFIX;
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return sha256(scratch);
}

/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Byte-wise equality of two hashes (or any byte strings). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * MTH of `count` consecutive 32-byte hashes stored in `buf` from hash position `start`. Pairs are hashed level
 * by level and an unpaired last node moves up unchanged, which gives the RFC 6962 tree (split at the largest
 * power of two below the count).
 */
export function hashRun(buf: Uint8Array, start: number, count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 1) throw new RangeError("hashRun: count must be at least 1");
  if ((start + count) * HASH_SIZE > buf.length) throw new RangeError("hashRun: run extends past the buffer");
  const work = buf.slice(start * HASH_SIZE, (start + count) * HASH_SIZE);
  scratch[0] = NODE_PREFIX;
  for (let w = count; w > 1; w = Math.ceil(w / 2)) {
    const pairs = Math.floor(w / 2);
    for (let i = 0; i < pairs; i++) {
      scratch.set(work.subarray(2 * i * HASH_SIZE, (2 * i + 2) * HASH_SIZE), 1);
      work.set(hash("sha256", scratch, "buffer"), i * HASH_SIZE);
    }
    if (w % 2 === 1) work.copyWithin(pairs * HASH_SIZE, (w - 1) * HASH_SIZE, w * HASH_SIZE);
  }
  return work.subarray(0, HASH_SIZE);
}

/** The largest power of two strictly smaller than n (n ≥ 2). Exact for all safe integers. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
