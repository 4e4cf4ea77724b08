import type { MaterialKind } from "./kind.ts";

/** A literal value (a build ref, a version). Stored inline in the attestation; digest = sha256 of the UTF-8 value. */
export const stringKind = {
  kind: "STRING",
  summary: "A literal string value, recorded inline (no upload)",
  validates: "Nothing: any non-empty value is accepted.",
  annotations: [],
  input: "value",
  autoDetect: true,
  example: "--value 80e461e9b385c6986cdb8096c9dc99928943d667",
} as const satisfies MaterialKind;
