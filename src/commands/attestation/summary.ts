import { Option } from "commander";
import { renderSummary, type SummaryData } from "../../cli/summary.ts";
import { summaryTargets, writeSummaries } from "../../cli/summary-file.ts";
import type { CraftingDeps } from "../../services/crafting/crafting-deps.ts";

/** `--summary FILE` of push and status (GitHub's GITHUB_STEP_SUMMARY is appended to without it). */
export function summaryOption(): Option {
  return new Option("--summary <file>", "also write a Markdown summary to this file (GitLab and others; GITHUB_STEP_SUMMARY is appended to when set)");
}

/** A function writing the summary of its arguments, or undefined when there is nowhere to write one. */
export function summaryWriter<A extends unknown[]>(flag: string | undefined, deps: Pick<CraftingDeps, "config" | "reporter">, of: (...args: A) => SummaryData): ((...args: A) => void) | undefined {
  const targets = summaryTargets(flag, deps.config.env);
  if (targets.length === 0) return undefined;
  return (...args) => writeSummaries(targets, renderSummary(of(...args)), (m) => deps.reporter.warn(m));
}

/** The push table, then the run's page on the control plane's web view when the server named it. */
export function withRunUrl(runUrl: string | undefined, table: string): string {
  return runUrl ? `${table}\nRun: ${runUrl}` : table;
}
