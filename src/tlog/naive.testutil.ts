// Naive reference implementations (RFC 6962 §2.1 recursions over the full leaf list) and an in-memory tile store.
// Imported only by *.test.ts files.
import { EMPTY_ROOT, HASH_SIZE, largestPowerOfTwoBelow, leafHash, nodeHash } from "./hash.ts";
import { TILE_WIDTH, appendLeaves, type TileReader, type TileWrite } from "./tiles.ts";

export function makeLeaves(n: number, seed = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`entry ${seed}:${i}`)));
}

export function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return EMPTY_ROOT;
  if (d.length === 1) return d[0]!;
  const k = largestPowerOfTwoBelow(d.length);
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}

export function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = largestPowerOfTwoBelow(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = largestPowerOfTwoBelow(d.length);
  return m <= k ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))] : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

export function proof(m: number, d: Uint8Array[]): Uint8Array[] {
  return m === d.length ? [] : subproof(m, d, true);
}

/** Tiles built from scratch: hash j of level l = MTH of the j-th block of 256^l leaves, grouped 256 per tile. */
export function naiveTiles(d: Uint8Array[]): Map<string, Uint8Array> {
  const tiles = new Map<string, Uint8Array>();
  for (let level = 0; 256 ** level <= d.length; level++) {
    const span = 256 ** level;
    const count = Math.floor(d.length / span);
    for (let t = 0; t * TILE_WIDTH < count; t++) {
      const w = Math.min(TILE_WIDTH, count - t * TILE_WIDTH);
      const data = new Uint8Array(w * HASH_SIZE);
      for (let i = 0; i < w; i++) {
        const j = t * TILE_WIDTH + i;
        data.set(mth(d.slice(j * span, (j + 1) * span)), i * HASH_SIZE);
      }
      tiles.set(`${level}/${t}`, data);
    }
  }
  return tiles;
}

/** An in-memory tile store: apply appendLeaves' writes, read through `reader`. */
export class MemTiles {
  readonly tiles = new Map<string, Uint8Array>();
  size = 0;
  readonly reader: TileReader = (level, index) => this.tiles.get(`${level}/${index}`);

  apply(writes: TileWrite[]): void {
    for (const w of writes) this.tiles.set(`${w.level}/${w.index}`, w.data);
  }

  append(leaves: Uint8Array[]): TileWrite[] {
    const writes = appendLeaves(this.size, leaves, this.reader);
    this.apply(writes);
    this.size += leaves.length;
    return writes;
  }
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
