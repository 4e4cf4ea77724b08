// Naive reference implementations (RFC 6962 §2.1 recursions over the full leaf list) and an in-memory tile store.
// Imported only by *.test.ts files.
import { EMPTY_ROOT, HASH_SIZE, largestPowerOfTwoBelow, leafHash, nodeHash } from "./hash.ts";
import { TILE_WIDTH, appendLeaves, type TileReader, type TileWrite } from "./tiles.ts";

export function makeLeaves(n: number, seed = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`entry ${seed}:${i}`)));
}

// MTH(D[a:b]) memoized per leaf array: the recursions stay the RFC's, the repeated subtrees are computed once.
const memo = new WeakMap<Uint8Array[], Map<number, Uint8Array>>();
function mthRange(d: Uint8Array[], a: number, b: number): Uint8Array {
  if (b === a) return EMPTY_ROOT;
  if (b - a === 1) return d[a]!;
  let m = memo.get(d);
  if (!m) memo.set(d, (m = new Map()));
  const key = a * 2 ** 26 + b;
  const hit = m.get(key);
  if (hit) return hit;
  const k = largestPowerOfTwoBelow(b - a);
  const h = nodeHash(mthRange(d, a, a + k), mthRange(d, a + k, b));
  m.set(key, h);
  return h;
}

/** MTH(D[0:n]) (n defaults to all of d). */
export function mth(d: Uint8Array[], n = d.length): Uint8Array {
  return mthRange(d, 0, n);
}

function pathRange(m: number, d: Uint8Array[], a: number, b: number): Uint8Array[] {
  if (b - a <= 1) return [];
  const k = largestPowerOfTwoBelow(b - a);
  return m < a + k ? [...pathRange(m, d, a, a + k), mthRange(d, a + k, b)] : [...pathRange(m, d, a + k, b), mthRange(d, a, a + k)];
}

/** RFC 6962 PATH(m, D[0:n]). */
export function path(m: number, d: Uint8Array[], n = d.length): Uint8Array[] {
  return pathRange(m, d, 0, n);
}

function subproof(m: number, d: Uint8Array[], a: number, b: number, flag: boolean): Uint8Array[] {
  if (m === b - a) return flag ? [] : [mthRange(d, a, b)];
  const k = largestPowerOfTwoBelow(b - a);
  return m <= k ? [...subproof(m, d, a, a + k, flag), mthRange(d, a + k, b)] : [...subproof(m - k, d, a + k, b, false), mthRange(d, a, a + k)];
}

/** RFC 6962 PROOF(m, D[0:n]) ([] when m = n). */
export function proof(m: number, d: Uint8Array[], n = d.length): Uint8Array[] {
  return m === n ? [] : subproof(m, d, 0, n, true);
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
        data.set(mthRange(d, j * span, (j + 1) * span), i * HASH_SIZE);
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
