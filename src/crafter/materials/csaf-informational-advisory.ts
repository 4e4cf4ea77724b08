import type { MaterialKind } from "./kind.ts";
import { csafBehaviour } from "./csaf-common.ts";

/** CSAF informational advisory (no vulnerabilities, guidance only); document.category must be exactly "csaf_informational_advisory". */
export const csafInformationalAdvisoryKind = {
  kind: "CSAF_INFORMATIONAL_ADVISORY",
  summary: "CSAF informational advisory (no vulnerabilities, guidance only)",
  example: "--value csaf-info.json",
  ...csafBehaviour("CSAF_INFORMATIONAL_ADVISORY"),
} as const satisfies MaterialKind;
