import type { ComplianceState } from "../../services/control/compliance.ts";
import { html, type Html } from "./html.ts";

export const STATE_LABELS: Record<ComplianceState, string> = {
  never_run: "never run",
  blocked: "blocked",
  failing: "failing",
  stale: "stale",
  behind: "behind",
  passing: "passing",
};

export function complianceBadge(state: ComplianceState): Html {
  return html`<span class="badge s-${state}">${STATE_LABELS[state]}</span>`;
}


/** A run state (initialized, succeeded, blocked, failed, cancelled, expired). */
export function runBadge(state: string): Html {
  return html`<span class="badge r-${state}">${state === "initialized" ? "in progress" : state}</span>`;
}

/** "2025-01-09 14:02 UTC (3 days ago)": absolute for the record, relative to the server's clock for a glance. */
export function when(iso: string | null, now: Date): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`<span>${iso}</span>`;
  const abs = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return html`<time datetime="${iso}" title="${iso}">${abs}</time> <span class="muted">(${ago(now.getTime() - d.getTime())})</span>`;
}

const SPANS: [number, string][] = [
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
];

export function ago(ms: number): string {
  if (ms < 0) return "in the future";
  for (const [size, unit] of SPANS) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n > 1 ? "s" : ""} ago`;
  }
  return "just now";
}

