/**
 * Text → a plain value tree, for YAML and JSON alike (JSON is parsed by the YAML 1.2 parser, so both
 * get the same line/column positions and one-line syntax errors). Two things the stock `toJS()` loses
 * are kept: numbers remember their source text (`1.10` must not become "1.1" when a string is wanted)
 * and every node remembers its position, for error messages.
 */
import type * as Yaml from "yaml";
import type { Alias, LineCounter, Node } from "yaml";
import { CairnError } from "../../errors.ts";
import { formatPath, type Path, type Segment } from "./path.ts";
import { checkTextBudget } from "./text-budget.ts";

/** yaml, loaded on the first library parse: `att init` reads its contract with plain-tree.ts and never needs it. */
let library: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (library ??= require("yaml") as typeof Yaml);
const isAlias = (n: unknown): n is Alias => yaml().isAlias(n);
const isMap = (n: unknown): n is Yaml.YAMLMap => yaml().isMap(n);
const isScalar = (n: unknown): n is Yaml.Scalar => yaml().isScalar(n);
const isSeq = (n: unknown): n is Yaml.YAMLSeq => yaml().isSeq(n);

/** A number as written in the source file. */
export class NumberLiteral {
  constructor(
    readonly source: string,
    readonly value: number,
  ) {}
}

/** Mappings are Maps (key order kept, no `__proto__` surprises); YAML null and absent are the same. */
export type Value = null | boolean | string | NumberLiteral | Value[] | Map<string, Value>;

export interface Position {
  line: number;
  column: number;
}

export interface Tree {
  root: Value;
  /** Where the node at `path` starts, if it exists in the source. */
  positionOf(path: Path): Position | undefined;
}

// Anchors/aliases are resolved by copying; these bounds stop alias bombs and self-referencing anchors.
export const MAX_NODES = 100_000;
export const MAX_DEPTH = 64;
/** Nodes that copying alias targets may produce (checkExpansion): 4,000 aliases of a scalar load, a bomb does not. */
const MAX_ALIAS_NODES = 5_000;

interface State {
  /** Every alias's target, found in one pass (`Alias.resolve` walks the whole document per alias: quadratic). */
  targets: Map<Alias, Node | undefined>;
  lines: LineCounter;
  positions: Map<string, Position>;
  nodes: number;
  source: string;
}

/** Parses `text`; syntax errors throw CONTRACT_INVALID naming the line and column. Empty text → null root. */
export function readTree(text: string, source: string): Tree {
  checkTextBudget(text, source);
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  // The library's own uniqueKeys check compares each key with every earlier one (20,000 keys: 6.7 s); ours is a Set.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const errors = [...doc.errors.map((e) => ({ pos: e.pos[0], message: e.message })), ...(doc.errors.length > 0 ? [] : duplicateKeys(doc.contents))].sort((a, b) => a.pos - b.pos);
  if (errors.length > 0) {
    const details = errors.map((e) => {
      const at = lines.linePos(e.pos);
      return { path: "", problem: `YAML syntax error: ${e.message.replace(/\s+/g, " ")}`, line: at.line, column: at.col };
    });
    const first = details[0]!;
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : "";
    throw new CairnError(
      "CONTRACT_INVALID",
      `${source}:${first.line}:${first.column}: ${first.problem}${more}`,
      { hint: "Fix the YAML/JSON syntax at that line; JSON files must be a single valid JSON object.", details },
    );
  }
  const state: State = { targets: aliasTargets(doc.contents), lines, positions: new Map(), nodes: 0, source };
  checkExpansion(doc.contents, state);
  const root = convert(doc.contents, [], state, 0);
  return { root, positionOf: (path) => state.positions.get(formatPath(path)) };
}

/**
 * Every node in document order (keys before their values), without recursion: the library's `visit` copies its path
 * at every level, which is quadratic in the depth (7,000 nested compact mappings: 83 s).
 */
function eachNode(root: unknown, fn: (node: unknown) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined) continue;
    fn(node);
    if (isMap(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]!.value, node.items[i]!.key);
    else if (isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
}

/** Every key of a mapping that an earlier key of the same mapping already has, in one pass. */
function duplicateKeys(root: unknown): { pos: number; message: string }[] {
  const out: { pos: number; message: string }[] = [];
  eachNode(root, (node) => {
    if (!isMap(node)) return;
    const seen = new Set<string>();
    for (const { key } of node.items) {
      if (!isScalar(key)) continue;
      const k = String(key.value);
      if (seen.has(k)) out.push({ pos: key.range?.[0] ?? 0, message: "Map keys must be unique" });
      seen.add(k);
    }
  });
  return out;
}

/** In document order, each alias refers to the latest anchor of its name before it (YAML 1.2 §3.2.2.2). */
function aliasTargets(root: unknown): Map<Alias, Node | undefined> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  eachNode(root, (node) => {
    if (isAlias(node)) targets.set(node, anchors.get(node.source));
    else if ((node as { anchor?: string }).anchor) anchors.set((node as { anchor: string }).anchor, node as Node);
  });
  return targets;
}

/**
 * Refuses an alias bomb before anything is copied: the size of every node once its aliases are expanded, memoised per
 * node, in one pass over the document (a cycle is infinite). The alias-bomb seed costs ~2 ms here; converting until a
 * node limit cost ~375 ms at 100,000 nodes, on `cairn serve`'s request thread.
 */
function checkExpansion(root: unknown, state: State): void {
  const memo = new Map<unknown, number>();
  const active = new Set<unknown>();
  const size = (node: unknown, expand: boolean, depth = 0): number => {
    // Deeper than convert allows: convert reports it, with the path; no need to recurse that far here.
    if (depth > MAX_DEPTH + 1) return 1;
    if (isAlias(node)) return expand ? 1 + size(state.targets.get(node), true, depth + 1) : 1;
    if (!isMap(node) && !isSeq(node)) return 1;
    if (expand && memo.has(node)) return memo.get(node)!;
    if (active.has(node)) return Infinity;
    active.add(node);
    let n = 1;
    for (const item of node.items) n += size(isMap(node) ? (item as { value?: unknown }).value : item, expand, depth + 1);
    active.delete(node);
    if (expand) memo.set(node, n);
    return n;
  };
  const expanded = size(root, true);
  if (expanded - size(root, false) > MAX_ALIAS_NODES) throw tooComplex(state, `more than ${MAX_ALIAS_NODES} nodes copied through YAML aliases`);
  if (expanded > MAX_NODES) throw tooComplex(state, `more than ${MAX_NODES} nodes (alias expansion?)`);
}

function tooComplex(state: State, why: string): CairnError {
  return new CairnError("CONTRACT_INVALID", `${state.source}: ${why}`, {
    hint: "A contract is a small document; remove deep nesting or recursive YAML anchors/aliases.",
  });
}

function convert(node: unknown, path: Segment[], state: State, depth: number): Value {
  if (++state.nodes > MAX_NODES) throw tooComplex(state, `more than ${MAX_NODES} nodes (alias expansion?)`);
  if (depth > MAX_DEPTH) throw tooComplex(state, `nested deeper than ${MAX_DEPTH} levels`);
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert(state.targets.get(node), path, state, depth + 1);
  const range = (node as { range?: [number, number, number] }).range;
  if (range) {
    const at = state.lines.linePos(range[0]);
    state.positions.set(formatPath(path), { line: at.line, column: at.col });
  }
  if (isMap(node)) {
    const out = new Map<string, Value>();
    for (const pair of node.items) {
      const key = keyText(pair.key, path, state);
      out.set(key, convert(pair.value, [...path, key], state, depth + 1));
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item, i) => convert(item, [...path, i], state, depth + 1));
  if (isScalar(node)) return scalar(node.value, node.source);
  return null;
}

function scalar(value: unknown, source: string | undefined): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" || typeof value === "bigint") {
    return new NumberLiteral(source ?? String(value), Number(value));
  }
  // Other YAML types (timestamps, binary under a YAML 1.1 directive) are treated as their text.
  return source ?? String(value);
}

function keyText(key: unknown, path: Path, state: State): string {
  const k = isAlias(key) ? state.targets.get(key) : key;
  if (isScalar(k) && (k.value === null || typeof k.value !== "object")) {
    return k.source ?? String(k.value);
  }
  const where = formatPath(path);
  throw new CairnError(
    "CONTRACT_INVALID",
    `${state.source}: ${where === "" ? "" : `${where}: `}mapping keys must be plain strings`,
    { hint: "Use simple `key: value` pairs; complex (`? …`) keys are not part of the contract schema." },
  );
}
