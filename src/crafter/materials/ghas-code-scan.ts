import type { MaterialKind } from "./kind.ts";
import { ghasBehaviour } from "./ghas-common.ts";

/** GitHub code scanning alerts (CodeQL and third-party SARIF uploads), as exported from the REST API. */
export const ghasCodeScanKind = {
  kind: "GHAS_CODE_SCAN",
  summary: "GitHub Advanced Security code scanning alerts (REST API export)",
  example: "--value code-scanning-alerts.json",
  ...ghasBehaviour({ field: "tool", label: "code scanning", endpoint: "GET /repos/{owner}/{repo}/code-scanning/alerts" }),
} as const satisfies MaterialKind;
