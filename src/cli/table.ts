/**
 * Box-drawn tables in the style of the Attestation Process guide (go-pretty "light"), fitted to a width: the widest
 * columns are cut (with `…`) or wrapped first, and full sha256 digests are shown short, as git shows hashes.
 * Widths count code points; East Asian wide characters (two columns each) are left out.
 */
import { shortDigest } from "../crafter/short-digest.ts";
import { display } from "./io.ts";
import { fit, pad, textWidth } from "./report-text.ts";

export interface TableSpec {
  title?: string;
  head?: string[];
  rows: string[][];
  /** Columns (by index) whose cells wrap at spaces instead of being cut: prose, such as a description. */
  wrap?: number[];
  /** The digests are what the user copies (`att push`, `artifact upload`): kept whole, and their cells never cut. */
  keepDigests?: boolean;
}

export interface TableOptions {
  /** Columns the table may take; undefined: as wide as its cells. */
  width?: number;
  /** Everything whole: full digests, no cell cut, the table as wide as its cells (`width` is then ignored). */
  full?: boolean;
}

/** No column is narrowed below this, its header, or its widest cell if that is less; past that the table overflows. */
export const MIN_COLUMN = 6;

/** Wrapped columns are narrowed to this before any column is cut. */
export const WRAP_MIN = 12;

/** A full sha256 digest, alone or inside a cell (`name@sha256:…`). */
const DIGEST = /\bsha256:[0-9a-f]{64}\b/g;

/**
 * The CLI's layout, read once at startup (io.ts `display`): fitted to the terminal, or, with --full or when no width
 * is known (piped, no COLUMNS), the table as before: unbounded, with full digests, so scripts reading it stay stable.
 */
function displayOptions(): TableOptions {
  return display.full || display.width === undefined ? { full: true } : { width: display.width };
}

export function renderTable(spec: TableSpec, opts: TableOptions = displayOptions()): string {
  const full = opts.full === true;
  const bounded = !full && opts.width !== undefined;
  const cell = (s: string) => (full || spec.keepDigests ? s : s.replace(DIGEST, (d) => shortDigest(d)));
  // go-pretty upper-cases column headers, as every table in the guide shows: one rule for all our tables.
  const head = spec.head?.map((h) => h.toUpperCase());
  const rows = spec.rows.map((r) => r.map(cell));
  const cols = Math.max(head?.length ?? 0, ...rows.map((r) => r.length), 1);
  const all = [...(head ? [head] : []), ...rows];
  const natural = Array.from({ length: cols }, (_, i) => Math.max(0, ...all.map((r) => textWidth(r[i] ?? ""))));
  const floor = floors(natural, head, spec.keepDigests ? rows : []);
  // a table with no header is key/value: its keys are labels, kept whole
  if (!head) floor[0] = natural[0]!;
  const wraps = new Set(full ? [] : (spec.wrap ?? []));
  const widths = bounded ? fitWidths(natural, floor, wraps, opts.width! - 3 * cols - 1) : natural;
  let inner = widths.reduce((a, w) => a + w + 3, -1);
  const titleLines: string[] = [];
  if (spec.title) {
    // a title wider than the columns widens the last one, up to the width; past that it wraps
    const need = Math.min(textWidth(spec.title) + 2, bounded ? opts.width! - 2 : Infinity);
    if (need > inner) {
      widths[cols - 1]! += need - inner;
      inner = need;
    }
    titleLines.push(...wrapText(spec.title, inner - 2));
  }
  const line = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  const row = (cells: string[]): string[] => {
    const parts = widths.map((w, i) => (wraps.has(i) ? wrapText(cells[i] ?? "", w) : [fit(cells[i] ?? "", w)]));
    const height = Math.max(...parts.map((p) => p.length));
    return Array.from({ length: height }, (_, k) => "│" + widths.map((w, i) => ` ${pad(parts[i]![k] ?? "", w)} `).join("│") + "│");
  };
  const out: string[] = [];
  if (spec.title) {
    out.push("┌" + "─".repeat(inner) + "┐", ...titleLines.map((t) => `│ ${pad(t, inner - 2)} │`), line("├", "┬", "┤"));
  } else {
    out.push(line("┌", "┬", "┐"));
  }
  if (head) out.push(...row(head), line("├", "┼", "┤"));
  rows.forEach((r, i) => {
    out.push(...row(r));
    if (!head && i < rows.length - 1) out.push(line("├", "┼", "┤"));
  });
  if (rows.length === 0 && head) out.pop();
  out.push(line("└", "┴", "┘"));
  return out.join("\n");
}

/** Each column's narrowest: MIN_COLUMN or its header (its widest cell if less), and whole any cell with a kept digest. */
function floors(natural: number[], head: string[] | undefined, keep: string[][]): number[] {
  return natural.map((w, i) => {
    const kept = keep.map((r) => r[i] ?? "").filter((s) => s.search(DIGEST) >= 0);
    return Math.max(Math.min(w, Math.max(MIN_COLUMN, textWidth(head?.[i] ?? ""))), ...kept.map(textWidth));
  });
}

/**
 * Wrapped columns give up their width first, as wrapping loses nothing, down to WRAP_MIN (narrower, prose is hard to
 * read); then the widest columns of all, down to their floors.
 */
function fitWidths(natural: number[], floor: number[], wrap: Set<number>, budget: number): number[] {
  const soft = natural.map((w, i) => (wrap.has(i) ? Math.max(floor[i]!, Math.min(w, WRAP_MIN)) : w));
  return shrink(shrink(natural, soft, budget), floor, budget);
}

/**
 * The widths capped at one level, the widest columns first and none below its floor, so that they sum to at most
 * `budget` (when the floors allow it; else the floors, and the table overflows rather than turning to garbage).
 */
function shrink(natural: number[], floor: number[], budget: number): number[] {
  const sum = (ws: number[]) => ws.reduce((a, b) => a + b, 0);
  if (sum(natural) <= budget) return natural;
  const capped = (cap: number) => natural.map((w, i) => Math.max(floor[i]!, Math.min(w, cap)));
  let lo = 0;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (sum(capped(mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  const widths = capped(lo);
  // the columns left over go, one each, to the columns held at the cap (leftmost first)
  let spare = budget - sum(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if (natural[i]! > lo && widths[i] === lo) {
      widths[i]!++;
      spare--;
    }
  }
  return widths;
}

/** `s` in lines of at most `w` columns, broken at spaces; a word longer than `w` is broken inside. */
export function wrapText(s: string, w: number): string[] {
  if (textWidth(s) <= w || w < 1) return [s];
  const lines: string[] = [];
  let current = "";
  for (const word of s.split(/ +/)) {
    let rest = [...word];
    if (current && textWidth(current) + 1 + rest.length <= w) {
      current += ` ${word}`;
      continue;
    }
    if (current) lines.push(current);
    while (rest.length > w) {
      lines.push(rest.slice(0, w).join(""));
      rest = rest.slice(w);
    }
    current = rest.join("");
  }
  lines.push(current);
  return lines;
}
