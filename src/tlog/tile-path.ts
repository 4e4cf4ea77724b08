/**
 * C2SP tlog-tiles paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, where N is written in
 * 3-digit groups, every group but the last prefixed with `x` (1234067 → `x001/x234/067`).
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const MAX_TILE_LEVEL = 63;

export type ParsedTilePath =
  | { kind: "hash"; level: number; index: number; width?: number }
  | { kind: "entries"; index: number; width?: number };

function encodeIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`tile index must be a non-negative integer (got ${index})`);
  let n = index;
  const groups: string[] = [];
  do {
    groups.unshift(String(n % 1000).padStart(3, "0"));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

function widthSuffix(width: number | undefined): string {
  if (width === undefined || width === TILE_WIDTH) return "";
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`tile width must be 1..${TILE_WIDTH} (got ${width}); empty tiles have no path`);
  }
  return `.p/${width}`;
}

/** `tile/<level>/<N>` for a full tile, `tile/<level>/<N>.p/<width>` for a partial one (width 1..255). */
export function tilePath(level: number, index: number, width?: number): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) {
    throw new RangeError(`tile level must be 0..${MAX_TILE_LEVEL} (got ${level})`);
  }
  return `tile/${level}/${encodeIndex(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<width>]`: the entry bundle beside level-0 tile N. */
export function entriesPath(index: number, width?: number): string {
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A decimal without leading zeros in [min, max], else undefined. */
function parseSmall(s: string, min: number, max: number): number | undefined {
  if (!DECIMAL.test(s) || s.length > 3) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}

/**
 * Parses the segments after `tile` (e.g. ["0","x001","234.p","5"] or ["entries","000"]).
 * Returns undefined for anything non-canonical: leading zeros, groups not of 3 digits, a leading
 * `x000` group, level outside 0..63, width outside 1..255, extra segments, indices beyond 2^53.
 */
export function parseTilePath(segments: string[]): ParsedTilePath | undefined {
  const [head, ...rest] = segments;
  if (head === undefined) return undefined;
  let level: number | undefined;
  if (head !== "entries") {
    level = parseSmall(head, 0, MAX_TILE_LEVEL);
    if (level === undefined) return undefined;
  }
  let index = 0;
  let width: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const seg = rest[i]!;
    const m = /^x([0-9]{3})$/.exec(seg);
    if (m) {
      if (i === 0 && m[1] === "000") return undefined; // a leading zero group
      index = index * 1000 + Number(m[1]);
      continue;
    }
    const last = /^([0-9]{3})(\.p)?$/.exec(seg);
    if (!last) return undefined;
    index = index * 1000 + Number(last[1]);
    if (last[2] !== undefined) {
      if (i !== rest.length - 2) return undefined; // `.p` must be followed by exactly one width segment
      width = parseSmall(rest[i + 1]!, 1, TILE_WIDTH - 1);
      if (width === undefined) return undefined;
    } else if (i !== rest.length - 1) {
      return undefined;
    }
    if (!Number.isSafeInteger(index)) return undefined;
    const where = width === undefined ? {} : { width };
    return level === undefined ? { kind: "entries", index, ...where } : { kind: "hash", level, index, ...where };
  }
  return undefined; // no final group
}
