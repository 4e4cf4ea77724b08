import { CairnError } from "../../errors.ts";
import { textHead } from "./text-head.ts";
import { parseYamlData } from "./yaml-doc.ts";

/**
 * JSON-or-YAML API description documents (OpenAPI, AsyncAPI): a cheap top-level key sniff and a
 * parser that turns every failure into CairnError("MATERIAL_INVALID").
 */

/** Index of the closing quote of the JSON string starting at `i`, or -1 if the head ends first. */
function stringEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === "\\") j++;
    else if (s[j] === '"') return j;
  }
  return -1;
}

function jsonTopLevel(s: string, keys: readonly string[]): { key: string; value: string } | null {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    if (c !== '"') continue;
    const end = stringEnd(s, i);
    if (end < 0) return null;
    const colon = /^\s*:\s*/.exec(s.slice(end + 1, end + 64));
    if (depth === 1 && colon !== null) {
      const key = s.slice(i + 1, end);
      const v = end + 1 + colon[0].length;
      if (keys.includes(key) && s[v] === '"') {
        const vEnd = stringEnd(s, v);
        return vEnd < 0 ? null : { key, value: s.slice(v + 1, vEnd) };
      }
    }
    i = end;
  }
  return null;
}

/**
 * The string value of one of `keys` at the top level of a JSON or YAML head, if visible: in JSON
 * by a depth-tracking scan, in YAML as a key at column 0 (a nested key is always indented, and so
 * is the content of block scalars). Never throws.
 */
export function topLevelScalar(head: Uint8Array, keys: readonly string[]): { key: string; value: string } | null {
  const s = textHead(head, head.length);
  const first = s === null ? undefined : /\S/.exec(s)?.[0];
  if (s === null || first === undefined || first === "[" || first === "<") return null;
  if (first === "{") return jsonTopLevel(s, keys);
  const m = new RegExp(`^(${keys.join("|")})[ \\t]*:[ \\t]*["']?([^"'\\s#]+)`, "m").exec(s);
  return m?.[1] !== undefined && m[2] !== undefined ? { key: m[1], value: m[2] } : null;
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.trim() ?? message;
}

/**
 * Parses JSON (when it starts with `{` or `[`: JSON.parse is linear and ~30x cheaper than the YAML parser, which
 * once spent 20 s and 3.4 GB on a 10 MB JSON array) or YAML (bounded, yaml-doc.ts) into a mapping. `what` names
 * the format in messages.
 */
export function parseSpecDocument(bytes: Uint8Array, fileName: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: is not UTF-8 text`);
  }
  let doc: unknown;
  const first = /\S/.exec(text.slice(0, 4096))?.[0];
  if (first === "{" || first === "[") {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new CairnError("MATERIAL_INVALID", `${fileName}: is not valid JSON (${firstLine((e as Error).message)})`);
    }
  } else {
    doc = parseYamlData(text, fileName);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: is not ${what} document (expected a JSON or YAML mapping)`);
  }
  return doc as Record<string, unknown>;
}

/** A scalar field as a string ("" when absent or not a scalar). YAML may give numbers for versions. */
export function scalar(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";
}
