/**
 * RFC 6962 tree head, inclusion and consistency proofs computed from tiles only (the store keeps no other
 * hashes), plus RFC 9162 verification and a compact range for tile-less monitors.
 * A missing or short tile throws a plain Error naming it (a damaged store; callers type it).
 * Bad arguments (sizes, indices) throw a RangeError.
 */
import { EMPTY_ROOT, largestPowerOfTwoBelow } from "./hash.ts";
import { TileCache, subtreeHash } from "./subtree.ts";
import type { TileReader } from "./tiles.ts";

export { verifyConsistency, verifyInclusion } from "./verify.ts";
export { CompactRange, type CompactRangeJSON } from "./compact-range.ts";

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer (got ${n})`);
}

/** MTH of the first `size` leaves (EMPTY_ROOT for 0). */
export function treeRoot(size: number, read: TileReader | TileCache): Uint8Array {
  checkSize(size, "tree size");
  return size === 0 ? EMPTY_ROOT.slice() : subtreeHash(0, size, cacheOf(read));
}

/** A reader, or a cache shared by several computations over the same tree size (see TileCache). */
function cacheOf(read: TileReader | TileCache): TileCache {
  return read instanceof TileCache ? read : new TileCache(read);
}

export { TileCache } from "./subtree.ts";

/** RFC 6962 PATH(index, D[0:size]), ordered leaf→root ([] for a tree of one leaf). */
export function inclusionProof(index: number, size: number, read: TileReader | TileCache): Uint8Array[] {
  checkSize(size, "tree size");
  checkSize(index, "leaf index");
  if (index >= size) throw new RangeError(`leaf index ${index} is not in a tree of ${size} leaves`);
  const tiles = cacheOf(read);
  const out: Uint8Array[] = [];
  // walk down from the root, then emit siblings bottom-up
  const siblings: [number, number][] = [];
  let a = 0;
  let b = size;
  while (b - a > 1) {
    const k = largestPowerOfTwoBelow(b - a);
    if (index < a + k) {
      siblings.push([a + k, b]);
      b = a + k;
    } else {
      siblings.push([a, a + k]);
      a += k;
    }
  }
  for (let i = siblings.length - 1; i >= 0; i--) out.push(subtreeHash(siblings[i]![0], siblings[i]![1], tiles));
  return out;
}

/** RFC 6962 PROOF(oldSize, D[0:newSize]); [] when the sizes are equal. oldSize 0 has no proof (RangeError). */
export function consistencyProof(oldSize: number, newSize: number, read: TileReader): Uint8Array[] {
  checkSize(oldSize, "old size");
  checkSize(newSize, "new size");
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  if (oldSize === newSize) return [];
  if (oldSize === 0) throw new RangeError("no consistency proof from the empty tree: every tree extends it");
  const tiles = new TileCache(read);
  const nodes: [number, number][] = [];
  let a = 0;
  let b = newSize;
  let complete = true; // SUBPROOF's b flag: the old tree is exactly this subtree's left part so far
  while (oldSize !== b) {
    const k = largestPowerOfTwoBelow(b - a);
    if (oldSize <= a + k) {
      nodes.push([a + k, b]);
      b = a + k;
    } else {
      nodes.push([a, a + k]);
      a += k;
      complete = false;
    }
  }
  if (!complete) nodes.push([a, b]);
  const out: Uint8Array[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) out.push(subtreeHash(nodes[i]![0], nodes[i]![1], tiles));
  return out;
}
