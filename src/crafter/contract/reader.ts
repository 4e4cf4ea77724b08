/**
 * Typed reads over the value tree that never throw: each wrong value becomes a Problem (field path +
 * what is wrong) and the read returns undefined, so one pass reports every problem in the file.
 */
import { formatPath, type Path } from "./path.ts";
import { didYouMean } from "./suggest.ts";
import { NumberLiteral, type Tree, type Value } from "./tree.ts";

/** One thing wrong with a contract: `path` is e.g. `spec.materials[2].type` ("" = the whole document). */
export interface Problem {
  path: string;
  problem: string;
  line?: number;
  column?: number;
  /** How to fix it, when there is something more specific to say than the problem itself. */
  hint?: string;
}

/** A mapping after key checks: canonical key → value, null values dropped (null = absent, as in protojson). */
export type Fields = Map<string, Value>;

const SNAKE = /_([a-z0-9])/g;

/** What a value is, for "must be a string, got a list". */
export function describe(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "string") return "a string";
  if (typeof v === "boolean") return "a boolean";
  if (v instanceof NumberLiteral) return "a number";
  return Array.isArray(v) ? "a list" : "a mapping";
}

export class Reader {
  readonly problems: Problem[] = [];

  constructor(private readonly tree: Tree) {}

  add(path: Path, problem: string, hint?: string): void {
    // A missing field has no position of its own: point at the nearest enclosing node instead.
    let at = this.tree.positionOf(path);
    for (let n = path.length - 1; at === undefined && n >= 0; n--) at = this.tree.positionOf(path.slice(0, n));
    const p: Problem = { path: formatPath(path), problem };
    if (at) Object.assign(p, { line: at.line, column: at.column });
    if (hint !== undefined) p.hint = hint;
    this.problems.push(p);
  }

  /** Problems in document order (reads happen in schema order, users read top to bottom). */
  sorted(): Problem[] {
    const key = (p: Problem) => (p.line ?? 0) * 1e6 + (p.column ?? 0);
    return [...this.problems].sort((a, b) => key(a) - key(b));
  }

  /**
   * A mapping with a closed set of keys. Unknown keys are REJECTED, with the closest known key
   * suggested. Chainloop (protojson with DiscardUnknown) silently drops them, but then a typo such as
   * `optinal: true` quietly makes a material required, or `skipUplaod` uploads what was meant to stay
   * local. A contract is a security policy: failing loudly is the safer reading. The proto (snake_case)
   * spelling of a field is accepted too, as protojson accepts it (`skip_upload` = `skipUpload`).
   */
  fields(v: Value, path: Path, known: readonly string[]): Fields | undefined {
    if (!(v instanceof Map)) {
      this.add(path, `must be a mapping, got ${describe(v)}`);
      return undefined;
    }
    const out: Fields = new Map();
    for (const [key, value] of v) {
      const canonical = known.includes(key) ? key : key.replace(SNAKE, (_, c: string) => c.toUpperCase());
      if (!known.includes(canonical)) {
        this.add([...path, key], `unknown field "${key}"${didYouMean(key, known)}`,
          `Fix the spelling or remove it; known fields here: ${known.join(", ")}.`);
        continue;
      }
      if (out.has(canonical) || (canonical !== key && v.has(canonical))) {
        if (canonical !== key) {
          this.add([...path, key], `duplicate field: "${key}" is another spelling of "${canonical}"`);
        }
        continue;
      }
      if (value !== null) out.set(canonical, value);
    }
    return out;
  }

  /** A string. With `coerce`, numbers and booleans are accepted as written (`1.10` → "1.10"). */
  string(v: Value | undefined, path: Path, coerce = false): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return v;
    if (coerce && v instanceof NumberLiteral) return v.source;
    if (coerce && typeof v === "boolean") return String(v);
    this.add(path, `must be a string, got ${describe(v)}`, v instanceof NumberLiteral ? "Quote the value." : undefined);
    return undefined;
  }

  /** A string matching `pattern`; `what` says what the pattern means. `coerce` as for `string`. */
  matching(v: Value | undefined, path: Path, pattern: RegExp, what: string, coerce = false): string | undefined {
    const s = this.string(v, path, coerce);
    if (s === undefined) return undefined;
    if (!pattern.test(s)) {
      this.add(path, `${JSON.stringify(s)} ${what}`);
      return undefined;
    }
    return s;
  }

  boolean(v: Value | undefined, path: Path): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === "boolean") return v;
    const hint = typeof v === "string" ? "Write true or false without quotes." : undefined;
    this.add(path, `must be a boolean (true or false), got ${describe(v)}`, hint);
    return undefined;
  }

  /** A list; absent → []. */
  list(v: Value | undefined, path: Path): Value[] {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    this.add(path, `must be a list, got ${describe(v)}`);
    return [];
  }

  /** A list of strings, each checked by `check` (returns a problem or undefined). */
  strings(v: Value | undefined, path: Path, check?: (s: string) => string | undefined): string[] {
    const out: string[] = [];
    this.list(v, path).forEach((item, i) => {
      const s = this.string(item, [...path, i]);
      if (s === undefined) return;
      const problem = check?.(s);
      if (problem === undefined) out.push(s);
      else this.add([...path, i], problem);
    });
    return out;
  }

  /** A string → string map (`with`, metadata annotations); scalar values are coerced as written. */
  stringMap(v: Value | undefined, path: Path): Record<string, string> {
    const out: Record<string, string> = {};
    if (v === undefined || v === null) return out;
    if (!(v instanceof Map)) {
      this.add(path, `must be a mapping of names to values, got ${describe(v)}`);
      return out;
    }
    for (const [key, value] of v) {
      if (key === "__proto__") this.add([...path, key], "is not an allowed name");
      else if (value === null) out[key] = "";
      else if (Array.isArray(value) || value instanceof Map) {
        this.add([...path, key], `must be a string, got ${describe(value)}`,
          "Give several values as one comma-separated or multi-line string.");
      } else out[key] = this.string(value, [...path, key], true) ?? "";
    }
    return out;
  }
}
