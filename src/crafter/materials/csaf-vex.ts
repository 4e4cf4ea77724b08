import type { MaterialKind } from "./kind.ts";
import { csafBehaviour } from "./csaf-common.ts";

/** CSAF VEX document (exploitability of vulnerabilities in products); document.category must be exactly "csaf_vex". */
export const csafVexKind = {
  kind: "CSAF_VEX",
  summary: "CSAF VEX document (exploitability of vulnerabilities in products)",
  example: "--value csaf-vex.json",
  ...csafBehaviour("CSAF_VEX"),
} as const satisfies MaterialKind;
