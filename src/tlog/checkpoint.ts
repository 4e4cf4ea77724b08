/**
 * C2SP tlog-checkpoint bodies: `<origin>\n<decimal size>\n<base64 root>\n[<extension>\n…]`.
 * Sign the formatted text with a NoteSigner; parse the text a NoteVerifier returns.
 */
import { HASH_SIZE } from "./hash.ts";
import { decodeBase64Strict, encodeBase64, textProblem } from "./encoding.ts";

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

function lineProblem(what: string, line: string): string | undefined {
  if (line === "") return `${what} is empty`;
  if (line.includes("\n")) return `${what} contains a newline`;
  const p = textProblem(line);
  return p ? `${what} ${p}` : undefined;
}

/** `origin\nsize\nbase64(root)\n` plus one line per extension. Throws RangeError on values that cannot be written. */
export function formatCheckpoint(c: { origin: string; size: number; root: Uint8Array; extensions?: string[] }): string {
  const p = lineProblem("checkpoint origin", c.origin);
  if (p) throw new RangeError(p);
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new RangeError(`checkpoint size must be a non-negative integer (got ${c.size})`);
  if (!(c.root instanceof Uint8Array) || c.root.length !== HASH_SIZE) throw new RangeError(`checkpoint root must be ${HASH_SIZE} bytes`);
  const ext = c.extensions ?? [];
  ext.forEach((e, i) => {
    const q = lineProblem(`checkpoint extension ${i}`, e);
    if (q) throw new RangeError(q);
  });
  return [c.origin, String(c.size), encodeBase64(c.root), ...ext].map((l) => `${l}\n`).join("");
}

/** Parses a checkpoint body (the signed text, not the whole note). Throws an Error saying what is wrong. */
export function parseCheckpoint(text: string): Checkpoint {
  const bad = (why: string) => new Error(`checkpoint: ${why}`);
  if (typeof text !== "string" || !text.endsWith("\n")) throw bad("the text must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw bad(`missing lines: expected origin, size and root hash, got ${lines.length} line(s)`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  const p = lineProblem("origin", origin);
  if (p) throw bad(p);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) {
    throw bad(`size ${JSON.stringify(sizeLine)} is not a decimal without leading zeros`);
  }
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw bad(`size ${sizeLine} is larger than 2^53 - 1`);
  const root = decodeBase64Strict(rootLine);
  if (!root) throw bad(`root hash ${JSON.stringify(rootLine)} is not standard padded base64`);
  if (root.length !== HASH_SIZE) throw bad(`root hash is ${root.length} bytes, expected ${HASH_SIZE}`);
  extensions.forEach((e, i) => {
    const q = lineProblem(`extension line ${i + 1}`, e);
    if (q) throw bad(e === "" ? `${q} (pass the verified note text, not the signed note)` : q);
  });
  return { origin, size, root, extensions };
}
