/**
 * The common case of readTree on Bun's native YAML parser (~0.1 ms for a small contract; the `yaml` library costs
 * ~5 ms to load and run once in a fresh process, which every `att init` is). Bun.YAML is YAML 1.2 with the core
 * schema, as the library is used in tree.ts, but it keeps no source text or positions and silently keeps the last of
 * duplicate keys. So it is only used where it cannot differ: a document with none of the features below, whose
 * values hold no numbers (a number's source text matters, `1.10`) and whose keys are all plain names. Anything else,
 * and any syntax error, returns undefined and the caller takes readTree (which also gives positions for messages).
 */
import { MAX_DEPTH, MAX_NODES, type Tree, type Value } from "./tree.ts";
import { checkTextBudget } from "./text-budget.ts";

/**
 * Anchors, aliases and tags (`&a`, `*a`, `!t` at a token start), directives, merge keys, explicit keys (`? k`), tabs
 * in indentation, lone CRs (line breaks our line scan would miss), `__proto__`, collection keys (`[a]: x`, which
 * Bun turns into "a" and readTree refuses), a `,` starting a token (the library refuses `a: , b`, Bun reads ", b")
 * and a byte order mark (the library refuses `\uFEFF- a: b`, Bun reads it). Inside a quoted string they only cost the
 * fast path.
 */
const NEEDS_LIBRARY = /(?:^|[\s[{,])[&*!]|^%|<<|(?:^|[\s[{,])\?(?:\s|$)|^ *\t|\r(?!\n)|__proto__|[\]}][ \t]*:|(?:^|\s),|\uFEFF/m;

/** Document markers: only one `---`, before any content, leaves one document (Bun returns a list of several). */
const MARKER = /^(?:---|\.\.\.)(?:[ \t\r]|$)/gm;
const BLANK_OR_COMMENTS = /^(?:[ \t]*(?:#.*)?\r?\n)*$/;

function oneDocument(text: string): boolean {
  const markers = [...text.matchAll(MARKER)];
  if (markers.length === 0) return true;
  const m = markers[0]!;
  return markers.length === 1 && m[0].startsWith("---") && BLANK_OR_COMMENTS.test(text.slice(0, m.index));
}

/** Scalars the core schema reads as something other than a string, and what Bun makes of `.nan`/`.inf` keys. */
const NOT_A_NAME = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[Tt]rue|TRUE|[Ff]alse|FALSE|~|[Nn]ull|NULL|NaN|-?Infinity|)$/;
/** Well under the library's 1,024-character limit on an implicit key, even with every character escaped. */
const MAX_KEY = 100;

/**
 * A bound on the mapping entries in the text, never below their number: every `:` that can be a value indicator
 * (followed by a blank or the line end, or after a quoted key), outside full-line comments, and in flow style every
 * `:`, `,` and `{` (a flow mapping entry may have no colon). When Bun's result has exactly this many keys, none was
 * dropped as a duplicate. One pass: `cairn serve` reads contracts on its request thread.
 */
function entryBound(text: string): number {
  const flowMaps = text.includes("{");
  const flow = flowMaps || text.includes("[");
  let n = 0;
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    for (let i = line.indexOf(":"); i >= 0; i = line.indexOf(":", i + 1)) {
      const next = line[i + 1];
      let before = i - 1;
      while (before >= 0 && (line[before] === " " || line[before] === "\t")) before--;
      const afterQuote = line[before] === '"' || line[before] === "'";
      if (flow || next === undefined || next === " " || next === "\t" || next === "\r" || afterQuote) n++;
    }
    if (flowMaps) for (const c of line) if (c === "," || c === "{") n++;
  }
  return n;
}

/** readTree's result for `text` when Bun's parser gives exactly it (without positions); undefined otherwise. */
export function readPlainTree(text: string, source: string): Tree | undefined {
  checkTextBudget(text, source);
  if (NEEDS_LIBRARY.test(text) || !oneDocument(text)) return undefined;
  let doc: unknown;
  try {
    doc = Bun.YAML.parse(text);
  } catch {
    return undefined; // readTree reports it, with the line and column
  }
  const count = { nodes: 0, keys: 0 };
  const root = convert(doc, 0, count);
  if (root === undefined || count.keys !== entryBound(text)) return undefined;
  return { root, positionOf: () => undefined };
}

/** Bun's value as readTree's; undefined where readTree could differ or refuse (tree.ts limits, numbers, odd keys). */
function convert(v: unknown, depth: number, count: { nodes: number; keys: number }): Value | undefined {
  if (++count.nodes > MAX_NODES || depth > MAX_DEPTH) return undefined;
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v)) {
    const out: Value[] = [];
    for (const item of v) {
      const c = convert(item, depth + 1, count);
      if (c === undefined) return undefined;
      out.push(c);
    }
    return out;
  }
  if (typeof v !== "object" || Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const out = new Map<string, Value>();
  for (const [key, item] of Object.entries(v)) {
    if (key.length > MAX_KEY || NOT_A_NAME.test(key)) return undefined;
    const c = convert(item, depth + 1, count);
    if (c === undefined) return undefined;
    out.set(key, c);
  }
  count.keys += out.size;
  return out;
}
