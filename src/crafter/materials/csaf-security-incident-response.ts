import type { MaterialKind } from "./kind.ts";
import { csafBehaviour } from "./csaf-common.ts";

/** CSAF security incident response document; document.category must be exactly "csaf_security_incident_response". */
export const csafSecurityIncidentResponseKind = {
  kind: "CSAF_SECURITY_INCIDENT_RESPONSE",
  summary: "CSAF security incident response document",
  example: "--value csaf-incident.json",
  ...csafBehaviour("CSAF_SECURITY_INCIDENT_RESPONSE"),
} as const satisfies MaterialKind;
