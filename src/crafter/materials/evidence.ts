import { ANN, type MaterialKind, type Validated } from "./kind.ts";

/** Largest EVIDENCE file whose JSON envelope we look into; larger files are accepted as opaque bytes. */
const MAX_INSPECT = 8 * 1024 * 1024;

/**
 * A free-form piece of evidence. When it is a JSON envelope `{ id | cairn.material.evidence.id, schema?, data }`
 * (Chainloop's `chainloop.material.evidence.id` is accepted too), the id and schema become annotations.
 */
export const evidenceKind = {
  kind: "EVIDENCE",
  summary: "Free-form evidence file; a JSON {id, schema, data} envelope is annotated",
  validates: "Nothing is required. A JSON object with an id and a data field is recognised as an evidence envelope.",
  annotations: [`${ANN}.evidence.id`, `${ANN}.evidence.schema`],
  input: "file",
  autoDetect: false,
  example: "--value review-signoff.json",
  validate(bytes: Uint8Array): Validated {
    const out: Validated = { annotations: {}, warnings: [] };
    if (bytes.length > MAX_INSPECT || bytes[0] !== 0x7b /* { */) return out;
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return out;
    }
    if (typeof doc !== "object" || doc === null || !("data" in doc)) return out;
    const d = doc as Record<string, unknown>;
    const id = d[`${ANN}.evidence.id`] ?? d["chainloop.material.evidence.id"] ?? d["id"];
    const schema = d[`${ANN}.evidence.schema`] ?? d["chainloop.material.evidence.schema"] ?? d["schema"];
    if (typeof id === "string" && id !== "") out.annotations[`${ANN}.evidence.id`] = id;
    if (typeof schema === "string" && schema !== "") out.annotations[`${ANN}.evidence.schema`] = schema;
    return out;
  },
} as const satisfies MaterialKind;
