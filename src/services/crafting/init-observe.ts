import { existsSync } from "node:fs";
import type { Config } from "../../config.ts";
import { CairnError } from "../../errors.ts";
import type { Contract } from "../../crafter/contract/types.ts";
import { detectRunner } from "../../crafter/runners/registry.ts";
import type { GitHead, RunnerInfo } from "../../crafter/state/types.ts";
import type { Reporter } from "../deps.ts";
import { readGitHead } from "../git.ts";

/** What `attestation init` must observe on the CI machine itself, whether the run is recorded locally or remotely. */
export interface Observations {
  runner: RunnerInfo;
  /** Runner variables plus the contract's envAllowList values. */
  env: Record<string, string>;
  git?: GitHead;
}

/** Runner detection from this process's env, the rule checks against `contract`, the allow-listed values, git HEAD. */
export function observe(config: Config, contract: Contract, dryRun: boolean, reporter: Reporter): Observations {
  const runner = detectRunner(config.env, { tektonResults: existsSync("/tekton/results") });
  const allowed = checkRunnerAndEnv(contract, runner, config.env, dryRun, reporter);
  const git = readGitHead(config.cwd);
  return { runner: { type: runner.type, ...(runner.url !== undefined && { url: runner.url }) }, env: { ...runner.env, ...allowed }, ...(git && { git }) };
}

/**
 * The contract's runner and env rules; returns the allow-listed variables' values. Runs on the CI machine against
 * its env, and again on `cairn serve` against what the machine reported (the contract may have changed between).
 * In dry-run the failures are warnings.
 */
export function checkRunnerAndEnv(
  contract: Contract,
  runner: { type: string; missing?: string[] },
  env: Record<string, string | undefined>,
  dryRun: boolean,
  reporter: Reporter,
): Record<string, string> {
  const required = contract.runner;
  if (required && required !== "RUNNER_TYPE_UNSPECIFIED" && required !== runner.type) {
    const msg = `the contract requires runner ${required}, but this is ${runner.type === "RUNNER_TYPE_UNSPECIFIED" ? "not a known CI runner" : runner.type}`;
    if (!dryRun) throw new CairnError("RUNNER_MISMATCH", msg, { hint: "run it in that CI system, or use --dry-run to try it locally" });
    reporter.warn(`${msg} (ignored in dry-run)`);
  }
  if (runner.missing?.length) reporter.warn(`runner ${runner.type} is missing variables: ${runner.missing.join(", ")}`);
  const out: Record<string, string> = {};
  const missing = contract.envAllowList.filter((name) => env[name] === undefined);
  for (const name of contract.envAllowList) if (env[name] !== undefined) out[name] = env[name]!;
  if (missing.length > 0) {
    const msg = `the contract requires environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
    if (!dryRun) throw new CairnError("ENV_MISSING", msg, { hint: "set them in the job, or remove them from the contract's envAllowList", details: { missing } });
    reporter.warn(`${msg} (ignored in dry-run)`);
  }
  return out;
}
