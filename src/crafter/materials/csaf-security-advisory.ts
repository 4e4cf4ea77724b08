import type { MaterialKind } from "./kind.ts";
import { csafBehaviour } from "./csaf-common.ts";

/** CSAF security advisory (vulnerabilities and remediations); document.category must be exactly "csaf_security_advisory". */
export const csafSecurityAdvisoryKind = {
  kind: "CSAF_SECURITY_ADVISORY",
  summary: "CSAF security advisory (vulnerabilities and remediations)",
  example: "--value csaf-advisory.json",
  ...csafBehaviour("CSAF_SECURITY_ADVISORY"),
} as const satisfies MaterialKind;
