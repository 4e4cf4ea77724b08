/** RFC 9162 §2.1.3.2 / §2.1.4.2 proof verification. Never throws: malformed input is simply not accepted. */
import { HASH_SIZE, bytesEqual, nodeHash } from "./hash.ts";

const half = (x: number) => Math.floor(x / 2);
const isOdd = (x: number) => x % 2 === 1;
const isSize = (x: number) => Number.isSafeInteger(x) && x >= 0;
const wellFormed = (hs: Uint8Array[]) => Array.isArray(hs) && hs.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE);

/** Checks that `leafHash` is leaf `index` of the tree of `size` leaves with root `root`. */
export function verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: Uint8Array[], root: Uint8Array): boolean {
  if (!isSize(index) || !isSize(size) || index >= size || leafHash.length !== HASH_SIZE || !wellFormed(proof)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** Checks that the tree of `newSize` leaves with `newRoot` extends the tree of `oldSize` leaves with `oldRoot`. */
export function verifyConsistency(oldSize: number, newSize: number, proof: Uint8Array[], oldRoot: Uint8Array, newRoot: Uint8Array): boolean {
  if (!isSize(oldSize) || !isSize(newSize) || !wellFormed(proof)) return false;
  if (oldSize === newSize) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (oldSize === 0 || oldSize > newSize || oldRoot.length !== HASH_SIZE) return false;
  const path = isPow2(oldSize) ? [oldRoot, ...proof] : proof;
  if (path.length === 0) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

function isPow2(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}
