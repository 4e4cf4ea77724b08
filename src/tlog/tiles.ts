/**
 * C2SP tlog-tiles (height 8): the log's only hash storage and its publication format.
 * Hash i of tile n at level l is MTH(leaves[(n·256+i)·256^l, (n·256+i+1)·256^l)); a level-(l+1) hash is
 * the root of one full level-l tile; partial tiles are never hashed upward.
 */
import { HASH_SIZE, hashRun } from "./hash.ts";
import { MAX_TILE_LEVEL, TILE_HEIGHT, TILE_WIDTH, tilePath } from "./tile-path.ts";

export { MAX_TILE_LEVEL, TILE_HEIGHT, TILE_WIDTH, entriesPath, parseTilePath, tilePath, type ParsedTilePath } from "./tile-path.ts";
export { MAX_ENTRY_SIZE, decodeEntryBundle, encodeEntryBundle } from "./entry-bundle.ts";

/**
 * A tile's current bytes: concatenated 32-byte hashes, 1..256 of them, or undefined when the store has none.
 * Bytes beyond what a tree size needs are ignored (hashes are only ever appended).
 */
export type TileReader = (level: number, index: number) => Uint8Array | undefined;

/** One tile's whole new content. */
export interface TileWrite {
  level: number;
  index: number;
  data: Uint8Array;
}

function checkSize(treeSize: number, what = "tree size"): void {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new RangeError(`${what} must be a non-negative integer (got ${treeSize})`);
}

/** How many hashes level `level` holds at `treeSize`: floor(treeSize / 256^level). */
export function levelWidth(level: number, treeSize: number): number {
  checkSize(treeSize);
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new RangeError(`tile level must be 0..${MAX_TILE_LEVEL} (got ${level})`);
  return Math.floor(treeSize / 2 ** (TILE_HEIGHT * level));
}

/** How many hashes tile (level, index) holds at `treeSize` (0..256; 1..255 is a partial tile). */
export function tileWidthAt(level: number, index: number, treeSize: number): number {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`tile index must be a non-negative integer (got ${index})`);
  const w = levelWidth(level, treeSize) - index * TILE_WIDTH;
  return Math.max(0, Math.min(TILE_WIDTH, w));
}

/** How many tiles (full and partial) level `level` has at `treeSize`. */
export function tileCountAt(level: number, treeSize: number): number {
  return Math.ceil(levelWidth(level, treeSize) / TILE_WIDTH);
}

/** Every non-empty tile at `treeSize`, bottom level first; `width` 256 means full. */
export function tilesAt(treeSize: number): { level: number; index: number; width: number }[] {
  const out: { level: number; index: number; width: number }[] = [];
  for (let level = 0; level <= MAX_TILE_LEVEL && levelWidth(level, treeSize) > 0; level++) {
    const n = tileCountAt(level, treeSize);
    for (let index = 0; index < n; index++) out.push({ level, index, width: tileWidthAt(level, index, treeSize) });
  }
  return out;
}

/**
 * The tiles (level, index) whose content differs between `oldSize` and `newSize` (oldSize ≤ newSize):
 * what a publisher must (re)write. Empty tiles are left out.
 */
export function tilesChanged(oldSize: number, newSize: number): { level: number; index: number; width: number }[] {
  checkSize(oldSize, "old size");
  checkSize(newSize, "new size");
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  const out: { level: number; index: number; width: number }[] = [];
  for (let level = 0; level <= MAX_TILE_LEVEL; level++) {
    const before = levelWidth(level, oldSize);
    const after = levelWidth(level, newSize);
    if (after === before) break;
    const first = Math.floor(before / TILE_WIDTH);
    const last = Math.ceil(after / TILE_WIDTH) - 1;
    for (let index = first; index <= last; index++) out.push({ level, index, width: tileWidthAt(level, index, newSize) });
  }
  return out;
}

/** The first `width` hashes of a tile's bytes, throwing an Error naming the tile if it is missing or short. */
export function tileHashes(data: Uint8Array | undefined, level: number, index: number, width: number): Uint8Array {
  const path = `${tilePath(level, index)} (level ${level}, index ${index})`;
  if (data === undefined) throw new Error(`${path} is missing (needed ${width} hashes)`);
  if (data.length < width * HASH_SIZE) {
    throw new Error(`${path} is too short: ${data.length} bytes, needed ${width} hashes (${width * HASH_SIZE} bytes)`);
  }
  return data.length === width * HASH_SIZE ? data : data.subarray(0, width * HASH_SIZE);
}

/**
 * The tiles after appending `leaves` (leaf hashes) to a tree of `treeSize` leaves. A tile that becomes full
 * pushes the MTH of its 256 hashes into the level above, recursively. Each changed tile is returned once,
 * with its whole new content; only touched tiles are read.
 */
export function appendLeaves(treeSize: number, leaves: Uint8Array[], read: TileReader): TileWrite[] {
  checkSize(treeSize);
  if (!Number.isSafeInteger(treeSize + leaves.length)) throw new RangeError("tree size would exceed 2^53");
  leaves.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new RangeError(`leaf ${i} is ${h.length} bytes; leaves are ${HASH_SIZE}-byte leaf hashes`);
  });
  const writes: TileWrite[] = [];
  let hashes = leaves;
  for (let level = 0; hashes.length > 0; level++) {
    if (level > MAX_TILE_LEVEL) throw new RangeError("tree too tall for 64 tile levels");
    const parents: Uint8Array[] = [];
    let pos = levelWidth(level, treeSize);
    let i = 0;
    while (i < hashes.length) {
      const index = Math.floor(pos / TILE_WIDTH);
      const have = pos % TILE_WIDTH;
      const take = Math.min(TILE_WIDTH - have, hashes.length - i);
      const data = new Uint8Array((have + take) * HASH_SIZE);
      if (have > 0) data.set(tileHashes(read(level, index), level, index, have));
      for (let j = 0; j < take; j++) data.set(hashes[i + j]!, (have + j) * HASH_SIZE);
      writes.push({ level, index, data });
      if (have + take === TILE_WIDTH) parents.push(hashRun(data, 0, TILE_WIDTH));
      pos += take;
      i += take;
    }
    hashes = parents;
  }
  return writes;
}
