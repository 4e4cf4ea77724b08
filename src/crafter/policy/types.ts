/**
 * The policy model shared by the parser, the engine, the services and (next) the crafting wiring.
 * Pure data: a CompiledPolicy holds CEL programs compiled once; evaluating it never touches fs/clock/network.
 */
import type { CelProgram } from "./cel.ts";

/** A declared argument. `type: list` always yields a list; `string` follows Chainloop (one value → string, several → list). */
export interface PolicyInput {
  name: string;
  description: string;
  default?: string;
  required: boolean;
  type: "string" | "list";
}

/** One compiled CEL expression plus where it came from, for positioned runtime errors. */
export interface CompiledExpr {
  source: string;
  program: CelProgram;
  /** "file:line:col" of the expression's first character. */
  at: string;
}

export interface PolicyRule {
  name: string;
  /** Material kinds the rule applies to; empty when `attestation` is true. */
  kinds: string[];
  attestation: boolean;
  when?: CompiledExpr;
  violations: CompiledExpr;
}

export interface CompiledPolicy {
  name: string;
  description: string;
  /** Where it was loaded from: a file path or `builtin:NAME`. */
  source: string;
  /** `sha256:<hex>` of the policy source text. */
  digest: string;
  inputs: PolicyInput[];
  rules: PolicyRule[];
}

export interface PolicyViolation {
  rule: string;
  message: string;
}

/** The verdict of one policy on one subject (material or attestation). Deterministic for the same inputs. */
export interface PolicyResult {
  name: string;
  digest: string;
  /** Arguments as given (after defaults), as strings: what the predicate records. */
  inputs: Record<string, string>;
  violations: PolicyViolation[];
  /** Set when no rule applied (wrong kind, every `when` false): then violations is empty. */
  skipped?: string;
}
