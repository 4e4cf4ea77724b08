/**
 * The CEL environment policies run in, and compile-time checks. One shared Environment (building one
 * is the expensive part); every expression is parsed and type-checked once, at policy load.
 *
 * What an expression sees: one variable `input` (a map) — see evaluate.ts for its fields — and the pure
 * SBOM helpers of helpers.ts. No function with side effects exists, so an expression can never read files, the clock or the network.
 * Bounds: the AST size (maxAstNodes) and the nesting of comprehension macros (MAX_MACRO_DEPTH) are
 * capped at compile time, the input size is capped by the caller, and the engine checks its deadline
 * between rules. A single expression is not preemptible (cel-js is synchronous), which is why the
 * static caps exist: with them an expression is at most O(n^3) in the size of the input lists.
 */
import { Environment } from "@marcbachmann/cel-js";
import { licenseIds, purlOf, sbomComponents, spdxIds } from "./helpers.ts";

export type CelProgram = (ctx: Record<string, unknown>) => unknown;

export const MAX_MACRO_DEPTH = 3;
const MACROS = new Set(["map", "filter", "all", "exists", "exists_one"]);

const env = new Environment({
  homogeneousAggregateLiterals: false,
  enableOptionalTypes: true,
  limits: { maxAstNodes: 2000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 },
})
  .registerVariable("input", "map")
  .registerFunction("sbomComponents(map): list", sbomComponents)
  .registerFunction("licenseIds(map): list<string>", licenseIds)
  .registerFunction("purlOf(map): string", purlOf)
  .registerFunction("spdxIds(string): list<string>", spdxIds);

/** A CEL problem at `offset` characters into the expression. */
export class CelProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** What the expression must produce: `bool` for `when`, a list for `violations`. */
export type Expect = "bool" | "list";

/** Parses and type-checks; throws CelProblem with the offending offset. */
export function compileCel(source: string, expect: Expect): CelProgram {
  let program: ReturnType<Environment["parse"]>;
  try {
    program = env.parse(source);
  } catch (e) {
    throw asProblem(e, "syntax error");
  }
  const depth = macroDepth(program.ast as unknown);
  if (depth > MAX_MACRO_DEPTH) {
    throw new CelProblem(`comprehension macros nested ${depth} deep (at most ${MAX_MACRO_DEPTH}): split the rule`, 0);
  }
  const checked = env.check(source);
  if (!checked.valid) throw asProblem(checked.error, "type error");
  const type = String(checked.type);
  const ok = expect === "bool" ? type === "bool" || type === "dyn" : type === "dyn" || type.startsWith("list");
  if (!ok) {
    const want = expect === "bool" ? "a bool" : "a list of strings (violation messages)";
    throw new CelProblem(`type error: must return ${want}, returns ${type}`, 0);
  }
  return program as unknown as CelProgram;
}

/** The first line of a cel-js error (its message repeats the source with a caret) and its offset. */
export function asProblem(e: unknown, what: string): CelProblem {
  const err = e as { summary?: string; message?: string; range?: { start?: number } } | undefined;
  const text = err?.summary ?? String(err?.message ?? e).split("\n")[0] ?? String(e);
  return new CelProblem(`${what}: ${text}`, err?.range?.start ?? 0);
}

function macroDepth(node: unknown): number {
  if (Array.isArray(node)) return Math.max(0, ...node.map(macroDepth));
  if (node === null || typeof node !== "object") return 0;
  const n = node as { op?: string; args?: unknown };
  const args = Array.isArray(n.args) ? n.args : [n.args];
  // `a.filter(…).map(…)` chains run one after the other: only a macro inside another's body multiplies.
  if (n.op === "rcall" && typeof args[0] === "string" && MACROS.has(args[0])) {
    return Math.max(macroDepth(args[1]), 1 + macroDepth(args.slice(2)));
  }
  return Math.max(0, ...args.map(macroDepth));
}
