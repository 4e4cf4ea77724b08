import { CairnError } from "../../errors.ts";
import { ANN, type ValidateContext, type Validated } from "./kind.ts";
import { lineCol, scanJson } from "./json-scan.ts";
import { isRecord } from "./json-sniff.ts";

/** Validation helpers shared by the JSON kinds: parsing with located errors, problem lists, annotations. */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The material is not what its kind requires: one line naming the file and the fault. */
export function invalid(ctx: ValidateContext, what: string, opts: { hint?: string; details?: unknown } = {}): CairnError {
  return new CairnError("MATERIAL_INVALID", `${ctx.fileName}: ${what}`, opts);
}

/** A parsed document and the defects that were tolerated while parsing it. */
export interface ParsedJson {
  value: unknown;
  /** Tolerated defects (raw control characters in strings). */
  warnings: string[];
}

/** Decodes UTF-8 text, without a byte-order mark. Throws MATERIAL_INVALID / MATERIAL_EMPTY. */
export function decodeText(bytes: Uint8Array, ctx: ValidateContext): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalid(ctx, "not UTF-8 text", { hint: "JSON materials must be UTF-8 encoded" });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new CairnError("MATERIAL_EMPTY", `${ctx.fileName}: the file is empty`);
  return text;
}

/**
 * Parses a whole JSON document. Syntax errors are reported with line and column. Raw control
 * characters inside strings (emitted by some SARIF generators) are tolerated with a warning.
 */
export function parseJson(bytes: Uint8Array, ctx: ValidateContext): ParsedJson {
  return parseJsonText(decodeText(bytes, ctx), ctx);
}

export function parseJsonText(text: string, ctx: ValidateContext): ParsedJson {
  try {
    return { value: JSON.parse(text), warnings: [] };
  } catch {
    // Fall through: find out where and why with the positional scanner.
  }
  const strict = scanJson(text, { partial: false });
  if (strict.error?.reason.startsWith("raw control character")) {
    const lenient = scanJson(text, { partial: false, allowControlChars: true });
    if (lenient.error === undefined) {
      return { value: lenient.value, warnings: ["raw control characters inside JSON strings were accepted as literal characters"] };
    }
  }
  const err = strict.error ?? { offset: 0, reason: "not valid JSON" };
  const { line, column } = lineCol(text, err.offset);
  throw invalid(ctx, `invalid JSON at line ${line}, column ${column}: ${err.reason}`, {
    details: { line, column, offset: err.offset, reason: err.reason },
  });
}

/** Parses and requires a top-level object. */
export function parseJsonObject(bytes: Uint8Array, ctx: ValidateContext, what: string): ParsedJson & { value: Record<string, unknown> } {
  const parsed = parseJson(bytes, ctx);
  if (!isRecord(parsed.value)) throw invalid(ctx, `${what} must be a JSON object`);
  return parsed as ParsedJson & { value: Record<string, unknown> };
}

/** Parses and requires a top-level array. */
export function parseJsonArray(bytes: Uint8Array, ctx: ValidateContext, what: string): ParsedJson & { value: unknown[] } {
  const parsed = parseJson(bytes, ctx);
  if (!Array.isArray(parsed.value)) throw invalid(ctx, `${what} must be a JSON array`);
  return parsed as ParsedJson & { value: unknown[] };
}

/**
 * Schema-level problems. Under strict validation they fail the material together (all listed in
 * details); under --no-strict-validation they become warnings and a count annotation.
 */
export class Problems {
  readonly list: string[] = [];

  constructor(private readonly ctx: ValidateContext) {}

  add(problem: string): void {
    this.list.push(problem);
  }

  /** Throws MATERIAL_INVALID (strict) or records the problems as warnings on `out`. */
  settle(out: Validated, hint = "fix the document, or pass --no-strict-validation to record these problems as warnings"): void {
    if (this.list.length === 0) return;
    if (this.ctx.strict) {
      const more = this.list.length > 1 ? ` (and ${this.list.length - 1} more)` : "";
      throw invalid(this.ctx, `${this.list[0]}${more}`, { hint, details: { problems: this.list } });
    }
    out.warnings.push(...this.list);
    out.annotations[`${ANN}.validation.warnings`] = String(this.list.length);
  }
}

/** A non-empty string, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Sets `key` only when `value` is a non-empty string or a finite number. */
export function setAnn(ann: Record<string, string>, key: string, value: unknown): void {
  if (typeof value === "number" && Number.isFinite(value)) ann[key] = String(value);
  else if (typeof value === "string" && value !== "") ann[key] = value;
}

/** A tool that produced a material, for the tools annotations. */
export interface Tool {
  name: string;
  version?: string;
}

/** `tools` (JSON array of name@version) plus `tool.name` / `tool.version` of the first tool. */
export function setTools(ann: Record<string, string>, tools: readonly Tool[]): void {
  const named = tools.filter((t) => t.name !== "");
  if (named.length === 0) return;
  const first = named[0] as Tool;
  ann[`${ANN}.tool.name`] = first.name;
  setAnn(ann, `${ANN}.tool.version`, first.version);
  ann[`${ANN}.tools`] = JSON.stringify([...new Set(named.map((t) => (t.version ? `${t.name}@${t.version}` : t.name)))]);
}

/** Policy input for JSON kinds: the document as is, top-level arrays wrapped as {elements}. */
export function projectJson(bytes: Uint8Array): unknown {
  const { value } = parseJson(bytes, { fileName: "material", strict: false });
  return Array.isArray(value) ? { elements: value } : value;
}

/** A fresh result with the warnings the parser already collected. */
export function result(warnings: readonly string[] = []): Validated {
  return { annotations: {}, warnings: [...warnings] };
}
