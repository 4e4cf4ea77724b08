import { CairnError } from "../errors.ts";

/** One page of a list; `next` is an opaque cursor for the following page, absent on the last one. */
export interface Page<T> {
  items: T[];
  next?: string;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** Keyset cursors: the sort key of the last row, so a page costs the same however deep it is. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(cursor: string): (string | number)[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v;
  } catch {
    // fall through
  }
  throw new CairnError("USAGE", `--next ${JSON.stringify(cursor)} is not a cursor from a previous page`, {
    hint: "pass the value printed as `next` by the previous page",
  });
}

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new CairnError("USAGE", `--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

/** Fetch limit+1 rows, return limit of them and a cursor when there were more. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: encodeCursor(keyOf(items[items.length - 1]!)) };
}
