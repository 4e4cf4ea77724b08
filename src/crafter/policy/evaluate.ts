/**
 * The policy engine: one CompiledPolicy × one subject (a material, or the attestation statement) → a
 * PolicyResult. Pure: the caller injects `now` (what `input.now` is) and `clock` (for the time budget).
 *
 * What an expression sees as `input`:
 * - material rules: `content` (the kind's JSON projection, see project.ts; `{}` for kinds without
 *   content), `material` {name, kind, digest, value, annotations}, `args`, `now` (a timestamp);
 * - attestation rules: `statement` (the in-toto statement), `args`, `now`.
 *
 * Fail closed: a runtime CEL error, a non-list result, or the time budget running out (checked between rules, and
 * inside an expression as it reads its input: guard.ts) become violations
 * (named after the rule), never a silent pass. A policy with no rule for the subject is `skipped`.
 */
import { resolveArgs } from "./args.ts";
import { guardInput } from "./guard.ts";
import type { CompiledExpr, CompiledPolicy, PolicyResult, PolicyRule, PolicyViolation } from "./types.ts";

/** A material as policies see it; `content` is the projection (project.ts), absent for content-less kinds. */
export interface MaterialSubject {
  name: string;
  kind: string;
  digest: string;
  value: string;
  annotations: Record<string, string>;
  content?: unknown;
  /** Set (by projectMaterial) when the content could not be given to policies, e.g. over the size cap. */
  unevaluable?: string;
}

export interface EvalOptions {
  /** `with:` / `--input` values (strings). */
  with: Record<string, string>;
  /** The evaluation time `input.now` (the caller's clock; fixed in tests). */
  now: Date;
  /** Milliseconds, monotonic; used only for the budget. */
  clock: () => number;
  /** Time budget for the whole policy, checked between rules and while expressions read input (default DEFAULT_BUDGET_MS). */
  budgetMs?: number;
}

export const DEFAULT_BUDGET_MS = 5_000;

/** Runs the policy's rules for `subject.kind` against a material. */
export function evaluateMaterialPolicy(policy: CompiledPolicy, subject: MaterialSubject, opts: EvalOptions): PolicyResult {
  const rules = policy.rules.filter((r) => !r.attestation && (r.kinds.includes(subject.kind) || r.kinds.includes("*")));
  if (subject.unevaluable !== undefined && rules.length > 0) {
    const { inputs } = resolveArgs(policy, opts.with);
    const violations = rules.map((r) => ({ rule: r.name, message: `not evaluated: ${subject.unevaluable}` }));
    return { name: policy.name, digest: policy.digest, inputs, violations };
  }
  const material = { name: subject.name, kind: subject.kind, digest: subject.digest, value: subject.value, annotations: subject.annotations };
  return run(policy, rules, opts, (args) => ({ content: subject.content ?? {}, material, args, now: opts.now }), `no rule for material kind ${subject.kind}`);
}

/** Runs the policy's `attestation: true` rules against an in-toto statement. */
export function evaluateAttestationPolicy(policy: CompiledPolicy, statement: unknown, opts: EvalOptions): PolicyResult {
  const rules = policy.rules.filter((r) => r.attestation);
  return run(policy, rules, opts, (args) => ({ statement, args, now: opts.now }), "no attestation rule");
}

function run(policy: CompiledPolicy, rules: PolicyRule[], opts: EvalOptions, inputOf: (args: unknown) => unknown, noRule: string): PolicyResult {
  const { args, inputs } = resolveArgs(policy, opts.with);
  const result: PolicyResult = { name: policy.name, digest: policy.digest, inputs, violations: [] };
  if (rules.length === 0) return { ...result, skipped: noRule };
  const budget = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const start = opts.clock();
  const ctx = { input: guardInput(inputOf(args), opts.clock, start + budget, budget) };
  let applied = 0;
  for (const rule of rules) {
    if (opts.clock() - start > budget) {
      result.violations.push({ rule: rule.name, message: `not evaluated: the policy's ${budget} ms time budget ran out before this rule` });
      continue;
    }
    const ran = runRule(rule, ctx);
    if (ran === "skipped") continue;
    applied++;
    result.violations.push(...ran);
  }
  if (applied === 0 && result.violations.length === 0) return { ...result, skipped: "no rule applied (every `when` was false)" };
  return result;
}

function runRule(rule: PolicyRule, ctx: Record<string, unknown>): PolicyViolation[] | "skipped" {
  if (rule.when) {
    const when = call(rule.when, ctx);
    if (when.error !== undefined) return [{ rule: rule.name, message: when.error }];
    if (when.value !== true) return "skipped";
  }
  const out = call(rule.violations, ctx);
  if (out.error !== undefined) return [{ rule: rule.name, message: out.error }];
  if (!Array.isArray(out.value)) return [{ rule: rule.name, message: `violations must return a list, got ${typeName(out.value)} (${rule.violations.at})` }];
  return out.value.map((v) => ({ rule: rule.name, message: messageOf(v) }));
}

function call(expr: CompiledExpr, ctx: Record<string, unknown>): { value?: unknown; error?: string } {
  try {
    return { value: expr.program(ctx) };
  } catch (e) {
    const err = e as { summary?: string; message?: string };
    const text = err.summary ?? String(err.message ?? e).split("\n")[0];
    return { error: `evaluation error: ${text} (expression at ${expr.at})` };
  }
}

function messageOf(v: unknown): string {
  if (typeof v === "string") return v;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x instanceof Map ? Object.fromEntries(x) : x)) ?? String(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "bigint") return "int";
  return typeof v === "object" ? "a map" : typeof v;
}
