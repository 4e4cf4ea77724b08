import type { MaterialKind } from "./kind.ts";
import { ghasBehaviour } from "./ghas-common.ts";

/** GitHub Dependabot alerts, as exported from the REST API. */
export const ghasDependencyScanKind = {
  kind: "GHAS_DEPENDENCY_SCAN",
  summary: "GitHub Dependabot alerts (REST API export)",
  example: "--value dependabot-alerts.json",
  ...ghasBehaviour({ field: "dependency", label: "Dependabot", endpoint: "GET /repos/{owner}/{repo}/dependabot/alerts" }),
} as const satisfies MaterialKind;
