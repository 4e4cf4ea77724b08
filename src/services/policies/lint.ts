/** `cairn policy lint`: load and compile each policy, collecting every problem instead of stopping at the first file. */
import { isCairnError } from "../../errors.ts";
import { loadPolicy } from "./load.ts";

export interface LintProblem {
  path: string;
  problem: string;
  line?: number;
  column?: number;
}

export interface LintResult {
  policy: string;
  ok: boolean;
  name?: string;
  digest?: string;
  rules?: number;
  /** The error message (with file:line:col of the first problem) when not ok. */
  error?: string;
  problems: LintProblem[];
}

export function lintPolicies(refs: string[], cwd: string): LintResult[] {
  return refs.map((ref) => {
    try {
      const p = loadPolicy(ref, cwd);
      return { policy: ref, ok: true, name: p.name, digest: p.digest, rules: p.rules.length, problems: [] };
    } catch (e) {
      if (!isCairnError(e)) throw e;
      const problems = Array.isArray(e.details) ? (e.details as LintProblem[]) : [{ path: "", problem: e.message }];
      return { policy: ref, ok: false, error: e.message, problems };
    }
  });
}
