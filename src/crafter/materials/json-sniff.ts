import type { Sample } from "./kind.ts";
import { scanJson } from "./json-scan.ts";

/**
 * Sniff helpers for JSON kinds. The head is at most 64 KiB of a possibly much larger file, so it is
 * read with the truncation-tolerant scanner (never JSON.parse) and the result is cached per head:
 * every JSON kind's sniff shares one read.
 */

export interface HeadJson {
  /** The first JSON value in the head; containers cut by the 64 KiB limit hold what was complete. */
  root: unknown;
  /** The first value ended inside the head. */
  complete: boolean;
  /** More content follows the first value (JSON Lines). */
  trailing: boolean;
}

const cache = new WeakMap<Uint8Array, HeadJson | null>();
const decoder = new TextDecoder("utf-8");

/** The head read as JSON, or undefined when it does not start like a JSON object or array. */
export function headJson(sample: Sample): HeadJson | undefined {
  const hit = cache.get(sample.head);
  if (hit !== undefined) return hit ?? undefined;
  const out = read(sample.head);
  cache.set(sample.head, out ?? null);
  return out;
}

function read(head: Uint8Array): HeadJson | undefined {
  try {
    // Cheap reject before decoding: binary files and text that is not JSON stop here.
    let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
    if (head[i] !== 0x7b && head[i] !== 0x5b) return undefined;
    const r = scanJson(decoder.decode(head.subarray(i)), { partial: true, allowControlChars: true });
    if (r.value === undefined) return undefined;
    return { root: r.value, complete: r.complete, trailing: r.trailing };
  } catch {
    return undefined;
  }
}

/** The head's top-level object (possibly cut), if the file starts with one. */
export function headObject(sample: Sample): Record<string, unknown> | undefined {
  const root = headJson(sample)?.root;
  return isRecord(root) ? root : undefined;
}

/** The head's top-level array (possibly cut), if the file starts with one. */
export function headArray(sample: Sample): unknown[] | undefined {
  const root = headJson(sample)?.root;
  return Array.isArray(root) ? root : undefined;
}

/** True when the file is a top-level JSON object with key `key` (and, if given, that exact value). */
export function hasTopKey(sample: Sample, key: string, value?: unknown): boolean {
  const obj = headObject(sample);
  if (obj === undefined || !Object.hasOwn(obj, key)) return false;
  return value === undefined || obj[key] === value;
}

/** The first element of a top-level array when it is an object (a report of findings). */
export function firstRecord(sample: Sample): Record<string, unknown> | undefined {
  const first = headArray(sample)?.[0];
  return isRecord(first) ? first : undefined;
}

/** The head is exactly `[]` (an empty findings report, ambiguous between tools). */
export function isEmptyArray(sample: Sample): boolean {
  const h = headJson(sample);
  return h !== undefined && h.complete && Array.isArray(h.root) && h.root.length === 0;
}

/** A plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when `obj` has every key (presence only; values may be cut). */
export function hasKeys(obj: Record<string, unknown> | undefined, ...keys: string[]): boolean {
  return obj !== undefined && keys.every((k) => Object.hasOwn(obj, k));
}
