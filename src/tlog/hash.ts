/**
 * RFC 6962 hashing (SHA-256): leaf and interior node hashes, and the root of the empty tree.
 * Pure: node:crypto only.
 */
import { hash } from "node:crypto";

export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

function sha256(data: Uint8Array): Uint8Array {
  const b = hash("sha256", data, "buffer");
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** SHA-256(0x00 ‖ entry): the RFC 6962 hash of one log entry. */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + entry.length);
  buf[0] = LEAF_PREFIX;
  buf.set(entry, 1);
  return sha256(buf);
}

/** SHA-256(0x01 ‖ left ‖ right): the RFC 6962 hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`nodeHash: children must be ${HASH_SIZE}-byte hashes (got ${left.length} and ${right.length})`);
  }
  const buf = new Uint8Array(1 + 2 * HASH_SIZE);
  buf[0] = NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return sha256(buf);
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
 * MTH of `count` consecutive 32-byte hashes stored in `buf` from hash position `start`
 * (RFC 6962 §2.1: split at the largest power of two smaller than the count).
 */
export function hashRun(buf: Uint8Array, start: number, count: number): Uint8Array {
  if (count < 1) throw new RangeError("hashRun: count must be at least 1");
  if (count === 1) return buf.slice(start * HASH_SIZE, (start + 1) * HASH_SIZE);
  const k = largestPowerOfTwoBelow(count);
  return nodeHash(hashRun(buf, start, k), hashRun(buf, start + k, count - k));
}

/** The largest power of two strictly smaller than n (n ≥ 2). Exact for all safe integers. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
