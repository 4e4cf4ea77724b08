import type { MaterialKind } from "./kind.ts";
import { ghasBehaviour } from "./ghas-common.ts";

/** GitHub secret scanning alerts, as exported from the REST API. */
export const ghasSecretScanKind = {
  kind: "GHAS_SECRET_SCAN",
  summary: "GitHub Advanced Security secret scanning alerts (REST API export)",
  example: "--value secret-scanning-alerts.json",
  ...ghasBehaviour({ field: "secret_type", label: "secret scanning", endpoint: "GET /repos/{owner}/{repo}/secret-scanning/alerts" }),
} as const satisfies MaterialKind;
