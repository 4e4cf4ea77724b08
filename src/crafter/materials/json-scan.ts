/**
 * A small hand-written JSON reader with two jobs JSON.parse cannot do:
 * - read a *prefix* of a document (the 64 KiB sniff head) and return whatever was complete, so
 *   sniffers can look at top-level keys of a file that was cut mid-way;
 * - say *where* a document is broken (Bun's JSON.parse errors carry no position).
 * It is only used on heads and on documents JSON.parse already rejected, so speed is secondary.
 */

export interface ScanOptions {
  /** Input may be cut anywhere: stop at the end without an error and keep what was read. */
  partial: boolean;
  /** Accept raw control characters (U+0000–U+001F) inside strings, as some generators emit them. */
  allowControlChars?: boolean;
  maxDepth?: number;
}

export interface ScanResult {
  /** The first value read; partial containers when the input was cut or broken. */
  value: unknown;
  /** The first value was read to its end. */
  complete: boolean;
  /** Non-whitespace follows the first value (JSON Lines, or garbage). */
  trailing: boolean;
  /** The first syntax error, if any (truncation in partial mode is not an error). */
  error?: { offset: number; reason: string };
}

/** Thrown to unwind: carries the partially read value of the frame it leaves. */
class Stop {
  constructor(
    readonly partial: unknown,
    readonly error?: { offset: number; reason: string },
  ) {}
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Reads the first JSON value of `text`. Never throws. */
export function scanJson(text: string, opts: ScanOptions): ScanResult {
  const p = new Reader(text, opts);
  try {
    p.ws();
    if (p.i >= text.length) return { value: undefined, complete: false, trailing: false, ...eofError(p, opts) };
    const value = p.value(0);
    p.ws();
    const trailing = p.i < text.length;
    const error = trailing && !opts.partial ? { offset: p.i, reason: "unexpected content after the JSON value" } : undefined;
    return { value, complete: true, trailing, ...(error ? { error } : {}) };
  } catch (e) {
    if (!(e instanceof Stop)) return { value: undefined, complete: false, trailing: false, error: { offset: p.i, reason: String(e) } };
    return { value: e.partial, complete: false, trailing: false, ...(e.error ? { error: e.error } : {}) };
  }
}

function eofError(p: Reader, opts: ScanOptions): { error?: { offset: number; reason: string } } {
  return opts.partial ? {} : { error: { offset: p.i, reason: "unexpected end of input" } };
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

class Reader {
  i = 0;
  private readonly maxDepth: number;
  constructor(
    private readonly s: string,
    private readonly opts: ScanOptions,
  ) {
    this.maxDepth = opts.maxDepth ?? 512;
  }

  ws(): void {
    while (this.i < this.s.length && WS.has(this.s.charCodeAt(this.i))) this.i++;
  }

  /** End of input inside a value: truncation in partial mode, an error otherwise. */
  private eof(partial: unknown): never {
    if (this.opts.partial) throw new Stop(partial);
    throw new Stop(partial, { offset: this.i, reason: "unexpected end of input" });
  }

  private fail(reason: string, partial?: unknown): never {
    throw new Stop(partial, { offset: this.i, reason });
  }

  value(depth: number): unknown {
    if (this.i >= this.s.length) this.eof(undefined);
    const c = this.s[this.i];
    if (c === "{" || c === "[") {
      if (depth >= this.maxDepth) this.fail("nesting too deep");
      return c === "{" ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
      if (this.s.length - this.i < word.length && word.startsWith(this.s.slice(this.i))) this.eof(undefined);
    }
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private object(depth: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return obj;
    }
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) this.eof(obj);
      if (this.s[this.i] !== '"') this.fail("expected a property name in double quotes", obj);
      let key: string;
      try {
        key = this.string();
      } catch (e) {
        throw e instanceof Stop ? new Stop(obj, e.error) : e;
      }
      this.ws();
      if (this.i >= this.s.length) this.eof(obj);
      if (this.s[this.i] !== ":") this.fail("expected ':' after a property name", obj);
      this.i++;
      this.ws();
      try {
        put(obj, key, this.value(depth));
      } catch (e) {
        if (e instanceof Stop && e.partial !== undefined) put(obj, key, e.partial);
        throw e instanceof Stop ? new Stop(obj, e.error) : e;
      }
      this.ws();
      if (this.i >= this.s.length) this.eof(obj);
      const c = this.s[this.i];
      if (c !== "," && c !== "}") this.fail("expected ',' or '}' after a property value", obj);
      this.i++;
      if (c === "}") return obj;
    }
  }

  private array(depth: number): unknown[] {
    const arr: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return arr;
    }
    for (;;) {
      this.ws();
      try {
        arr.push(this.value(depth));
      } catch (e) {
        if (e instanceof Stop && e.partial !== undefined) arr.push(e.partial);
        throw e instanceof Stop ? new Stop(arr, e.error) : e;
      }
      this.ws();
      if (this.i >= this.s.length) this.eof(arr);
      const c = this.s[this.i];
      if (c !== "," && c !== "]") this.fail("expected ',' or ']' after an array element", arr);
      this.i++;
      if (c === "]") return arr;
    }
  }

  /** A string; a cut string unwinds with its prefix so base64 payload prefixes stay readable. */
  private string(): string {
    let out = "";
    let start = ++this.i;
    for (;;) {
      if (this.i >= this.s.length) this.eof(out + this.s.slice(start));
      const code = this.s.charCodeAt(this.i);
      if (code === 0x22) {
        out += this.s.slice(start, this.i++);
        return out;
      }
      if (code < 0x20 && !this.opts.allowControlChars) this.fail(`raw control character U+${code.toString(16).padStart(4, "0")} in a string`);
      if (code !== 0x5c) {
        this.i++;
        continue;
      }
      out += this.s.slice(start, this.i);
      const esc = this.s[this.i + 1];
      if (esc === undefined) this.eof(out);
      if (esc === "u") {
        const hex = this.s.slice(this.i + 2, this.i + 6);
        if (hex.length < 4) {
          this.i = this.s.length;
          this.eof(out);
        }
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape");
        out += String.fromCharCode(parseInt(hex, 16));
        this.i += 6;
      } else {
        const ch = ESCAPES[esc];
        if (ch === undefined) this.fail(`invalid escape \\${esc}`);
        out += ch;
        this.i += 2;
      }
      start = this.i;
    }
  }

  private number(): number {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 64));
    if (m === null || m[0] === "-") {
      if (this.i + 1 >= this.s.length) this.eof(undefined);
      this.fail("invalid number");
    }
    this.i += m[0].length;
    // A number that touches the end of a cut input may itself be cut ("1.5" read as "1.").
    if (this.i >= this.s.length && this.opts.partial) this.eof(undefined);
    if (/^[.eE0-9]/.test(this.s[this.i] ?? "")) this.fail("invalid number");
    return Number(m[0]);
  }
}

/** Sets a key without ever touching the prototype (a "__proto__" key in the data stays data). */
function put(obj: Record<string, unknown>, key: string, v: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[key] = v;
}
