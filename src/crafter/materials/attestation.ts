import { PREDICATE_TYPE } from "../statement.ts";
import { ANN, SIGNATURE_ANNOTATIONS, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { parseInToto, sniffInToto } from "./envelope.ts";
import { invalid, result, setAnn, str } from "./json-doc.ts";
import { isRecord } from "./json-sniff.ts";
import { SLSA_PREDICATE_TYPES } from "./slsa-provenance.ts";

const A = `${ANN}.attestation`;

/** Predicates of attestations that can be linked as materials: ours and Chainloop's. */
export const ATTESTATION_PREDICATE_TYPES: readonly string[] = [PREDICATE_TYPE, "chainloop.dev/attestation/v0.2"];

/** Another workflow's attestation (cairn's or Chainloop's), to link related runs. */
export const attestationKind = {
  kind: "ATTESTATION",
  summary: "A cairn or Chainloop attestation (DSSE envelope or Sigstore bundle) from another workflow run",
  validates:
    "A DSSE envelope, or a Sigstore bundle v0.1–v0.3 holding one, whose payloadType is application/vnd.in-toto+json " +
    `and whose payload is an in-toto Statement v1 or v0.1 with predicateType ${ATTESTATION_PREDICATE_TYPES.join(" or ")}. ` +
    "`att add` then checks the signature against the home's trusted roots (public-good, home CA, added roots): a verified signer is recorded in " +
    "the signature annotations, an unknown signer (or a key) is a warning, a known signer whose check fails is refused.",
  annotations: [`${A}.predicate_type`, `${A}.subject_count`, `${A}.workflow_name`, `${A}.container`, ...SIGNATURE_ANNOTATIONS],
  input: "file",
  autoDetect: true,
  example: "--value build.attestation.json",
  sniff(sample: Sample): boolean {
    const s = sniffInToto(sample);
    if (s === undefined) return false;
    if (s.predicateType === undefined) return !s.complete; // predicateType lies beyond the head
    const pt = s.predicateType;
    return ATTESTATION_PREDICATE_TYPES.includes(pt) || (!s.complete && ATTESTATION_PREDICATE_TYPES.some((t) => t.startsWith(pt)));
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const doc = parseInToto(bytes, ctx);
    if (!ATTESTATION_PREDICATE_TYPES.includes(doc.predicateType)) {
      const slsa = SLSA_PREDICATE_TYPES.includes(doc.predicateType);
      throw invalid(ctx, `predicateType ${doc.predicateType} is not an attestation predicate (${ATTESTATION_PREDICATE_TYPES.join(", ")})`, {
        hint: slsa ? "this is SLSA provenance: use --kind SLSA_PROVENANCE" : "add other in-toto statements as EVIDENCE",
      });
    }
    const out = result(doc.warnings);
    out.annotations[`${A}.predicate_type`] = doc.predicateType;
    out.annotations[`${A}.subject_count`] = String(doc.subjects.length);
    out.annotations[`${A}.container`] = doc.container;
    const meta = isRecord(doc.predicate["metadata"]) ? doc.predicate["metadata"] : {};
    setAnn(out.annotations, `${A}.workflow_name`, str(meta["workflowName"]) ?? str(meta["name"]));
    return out;
  },
  project(bytes: Uint8Array): unknown {
    return parseInToto(bytes, { fileName: "material", strict: false }).statement;
  },
} as const satisfies MaterialKind;
