import { ANN, SIGNATURE_ANNOTATIONS, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { parseInToto, sniffInToto } from "./envelope.ts";
import { invalid, result, setAnn, str } from "./json-doc.ts";
import { isRecord } from "./json-sniff.ts";

const A = `${ANN}.slsa`;

/** SLSA provenance predicate types accepted. */
export const SLSA_PREDICATE_TYPES: readonly string[] = ["https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v0.2"];

/** SLSA build provenance (v0.2 or v1) in a DSSE envelope or Sigstore bundle, e.g. from GitHub artifact attestations. */
export const slsaProvenanceKind = {
  kind: "SLSA_PROVENANCE",
  summary: "SLSA provenance v0.2/v1 in a DSSE envelope or Sigstore bundle",
  validates:
    "A DSSE envelope, or a Sigstore bundle v0.1–v0.3 holding one, with an in-toto statement whose predicateType is " +
    `${SLSA_PREDICATE_TYPES.join(" or ")} and whose predicate names its builder. ` +
    "`att add` then checks the signature against the home's trusted roots (public-good, home CA, added roots): a verified signer is recorded in " +
    "the signature annotations, an unknown signer (or a key) is a warning, a known signer whose check fails is refused.",
  annotations: [`${A}.builder_id`, `${A}.build_type`, `${A}.predicate_type`, `${A}.subject_count`, ...SIGNATURE_ANNOTATIONS],
  input: "file",
  autoDetect: true,
  example: "--value provenance.sigstore.json",
  sniff(sample: Sample): boolean {
    const pt = sniffInToto(sample)?.predicateType;
    return pt !== undefined && SLSA_PREDICATE_TYPES.includes(pt);
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const doc = parseInToto(bytes, ctx);
    if (!SLSA_PREDICATE_TYPES.includes(doc.predicateType)) {
      throw invalid(ctx, `predicateType ${doc.predicateType} is not SLSA provenance (${SLSA_PREDICATE_TYPES.join(", ")})`, {
        hint: "attestations of a workflow run are --kind ATTESTATION; other statements can be added as EVIDENCE",
      });
    }
    const p = doc.predicate;
    // v1: runDetails.builder.id + buildDefinition.buildType; v0.2: builder.id + buildType.
    const v1 = doc.predicateType.endsWith("/v1");
    const builder = v1 ? get(p, "runDetails", "builder") : get(p, "builder");
    const builderId = str(builder?.["id"]);
    const buildType = str(v1 ? get(p, "buildDefinition")?.["buildType"] : p["buildType"]);
    if (builderId === undefined) throw invalid(ctx, `SLSA provenance has no ${v1 ? "runDetails.builder.id" : "builder.id"}`);
    if (buildType === undefined) throw invalid(ctx, `SLSA provenance has no ${v1 ? "buildDefinition.buildType" : "buildType"}`);
    const out = result(doc.warnings);
    out.annotations[`${A}.builder_id`] = builderId;
    setAnn(out.annotations, `${A}.build_type`, buildType);
    out.annotations[`${A}.predicate_type`] = doc.predicateType;
    out.annotations[`${A}.subject_count`] = String(doc.subjects.length);
    return out;
  },
  project(bytes: Uint8Array): unknown {
    return parseInToto(bytes, { fileName: "material", strict: false }).statement;
  },
} as const satisfies MaterialKind;

function get(obj: Record<string, unknown>, ...path: string[]): Record<string, unknown> | undefined {
  let cur: unknown = obj;
  for (const k of path) cur = isRecord(cur) ? cur[k] : undefined;
  return isRecord(cur) ? cur : undefined;
}
