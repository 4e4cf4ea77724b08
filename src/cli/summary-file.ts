import { appendFileSync, writeFileSync } from "node:fs";

/** Where a summary goes: GitHub's step summary file (appended to), and `--summary FILE` (created or overwritten). */
export interface SummaryTarget {
  path: string;
  append: boolean;
}

export function summaryTargets(flag: string | undefined, env: Record<string, string | undefined>): SummaryTarget[] {
  const github = env.GITHUB_STEP_SUMMARY;
  return [...(github ? [{ path: github, append: true }] : []), ...(flag && flag !== github ? [{ path: flag, append: false }] : [])];
}

/**
 * Writes the summary to every target. A summary that cannot be written only warns: the push or status it describes
 * has already happened. Appended in one write (O_APPEND), so two steps writing at once do not interleave mid-line.
 */
export function writeSummaries(targets: SummaryTarget[], markdown: string, warn: (m: string) => void): void {
  for (const t of targets) {
    try {
      if (t.append) appendFileSync(t.path, `${markdown}\n`);
      else writeFileSync(t.path, markdown);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      warn(`the summary was not written to ${t.path}${t.append ? " (GITHUB_STEP_SUMMARY)" : " (--summary)"}: ${why}`);
    }
  }
}
