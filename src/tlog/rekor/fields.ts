// Reading proto3 JSON the way Go's protojson.Unmarshal does, with CairnError USAGE naming the field: a field may be
// spelled lowerCamelCase or as its proto name (snake_case), null means unset, unknown fields are refused, bytes are
// base64 (standard or URL alphabet, padding optional), int64 is a decimal string or a JSON number.
import { CairnError } from "../../errors.ts";

export type Obj = Record<string, unknown>;

export function usage(message: string, hint?: string): never {
  throw new CairnError("USAGE", message, hint === undefined ? {} : { hint });
}

const snake = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `value` as an object whose keys are all in `known` (camelCase), values keyed by the camelCase name; nulls dropped. */
export function object(value: unknown, path: string, known: readonly string[]): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) usage(`${path} must be a JSON object`);
  const out: Obj = {};
  for (const [k, v] of Object.entries(value as Obj)) {
    const name = known.find((n) => n === k || snake(n) === k);
    if (name === undefined) usage(`${path}.${k} is not a known field (expected ${known.join(", ")})`);
    if (name in out) usage(`${path}.${name} is given twice (as ${name} and ${snake(name)})`);
    if (v !== null && v !== undefined) out[name] = v;
  }
  return out;
}

export function required(o: Obj, name: string, path: string): unknown {
  const v = o[name];
  if (v === undefined) usage(`${path}.${name} is missing`);
  return v;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== "string") usage(`${path} must be a string`);
  return value;
}

const B64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/** Base64 bytes; `nonEmpty` refuses "" (a missing bytes field reads as empty in proto3). */
export function bytes(value: unknown, path: string, nonEmpty = true): Uint8Array {
  const s = string(value, path);
  const bare = s.replace(/=+$/, "");
  if (!B64.test(s) || bare.length % 4 === 1 || (s.length > bare.length && s.length % 4 !== 0)) usage(`${path} is not valid base64`);
  const out = new Uint8Array(Buffer.from(bare.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
  if (nonEmpty && out.length === 0) usage(`${path} is empty`);
  return out;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) usage(`${path} must be a JSON array`);
  return value;
}

/** A non-negative int64 (string or number) that fits a JS safe integer. */
export function uint(value: unknown, path: string): number {
  const s = typeof value === "number" ? String(value) : typeof value === "string" ? value : usage(`${path} must be an int64 (a decimal string)`);
  if (!/^(0|[1-9][0-9]*)$/.test(s) || !Number.isSafeInteger(Number(s))) usage(`${path} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(s);
}

export const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
