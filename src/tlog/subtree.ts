/**
 * Subtree hashes computed from tiles only. An aligned subtree of 2^h leaves is one hash of a level-⌊h/8⌋ tile
 * when 8 divides h, else the MTH of 2^(h mod 8) consecutive hashes of one tile; any other (right-border)
 * range is split at the largest power of two below its size.
 */
import { hashRun, largestPowerOfTwoBelow, nodeHash } from "./hash.ts";
import { TILE_HEIGHT, TILE_WIDTH, tileHashes, type TileReader } from "./tiles.ts";

/**
 * Reads each tile at most once (tile reads may hit a database) and computes each subtree hash once: one cache
 * shared by the proofs of a batch of appends makes their common subtrees free after the first.
 */
export class TileCache {
  private readonly tiles = new Map<string, Uint8Array>();
  /** Subtree hashes by `start:end`, valid for as long as the tiles are (one tree size). */
  readonly subtrees = new Map<string, Uint8Array>();

  constructor(private readonly read: TileReader) {}

  /** The first `width` hashes of tile (level, index), or throws naming the tile. */
  hashes(level: number, index: number, width: number): Uint8Array {
    const key = `${level}/${index}`;
    let data = this.tiles.get(key);
    if (data === undefined) {
      data = this.read(level, index);
      if (data !== undefined) this.tiles.set(key, data);
    }
    return tileHashes(data, level, index, width);
  }
}

/** log2(n) when n is a power of two, else -1. */
function exactLog2(n: number): number {
  let h = 0;
  let p = 1;
  while (p < n) {
    p *= 2;
    h++;
  }
  return p === n ? h : -1;
}

/**
 * MTH(leaves[start, end)) for a node of the RFC 6962 tree: an aligned power-of-two subtree, or a range
 * whose start is aligned to a power of two ≥ its length (a right border). The range must lie within the tree
 * the tiles describe.
 */
export function subtreeHash(start: number, end: number, tiles: TileCache): Uint8Array {
  const memo = `${start}:${end}`;
  const known = tiles.subtrees.get(memo);
  if (known) return known;
  const h = computeSubtree(start, end, tiles);
  tiles.subtrees.set(memo, h);
  return h;
}

function computeSubtree(start: number, end: number, tiles: TileCache): Uint8Array {
  const n = end - start;
  if (n < 1) throw new RangeError(`empty subtree [${start}, ${end})`);
  const h = exactLog2(n);
  if (h >= 0 && start % n === 0) {
    const level = Math.floor(h / TILE_HEIGHT);
    const count = 2 ** (h % TILE_HEIGHT);
    const j = start / 2 ** (TILE_HEIGHT * level); // hash position at `level`
    const index = Math.floor(j / TILE_WIDTH);
    const offset = j % TILE_WIDTH;
    const data = tiles.hashes(level, index, offset + count);
    return hashRun(data, offset, count);
  }
  const k = largestPowerOfTwoBelow(n);
  if (start % k !== 0) throw new RangeError(`[${start}, ${end}) is not a node of an RFC 6962 tree`);
  return nodeHash(subtreeHash(start, start + k, tiles), subtreeHash(start + k, end, tiles));
}
