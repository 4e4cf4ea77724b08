// The statement checks of verified ingest: what a pushed, signed payload must look like before its run is touched.
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ErrorObject, ValidateFunction } from "ajv";
import schema from "../../../docs/schemas/cairn-attestation-v0.1.schema.json" with { type: "json" };
import { ANN } from "../../crafter/materials/kind.ts";
import { PREDICATE_TYPE, STATEMENT_TYPE, type ResourceDescriptor, type Statement } from "../../crafter/statement.ts";
import { IN_TOTO_PAYLOAD_TYPE } from "../../signing/sign.ts";
import { verifyFailed } from "../../signing/envelope.ts";

/** The predicate metadata ingest relies on (the schema guarantees the required ones). */
export interface PredicateMetadata {
  workflowName: string;
  workflowID?: string;
  workflowRunID?: string;
  project: string;
  projectVersion?: string;
  projectVersionPrerelease?: boolean;
  team?: string;
  organization: string;
  contractName: string;
  contractRevision: number;
  /** sha256 of the revision's stored body (schema revision 2); absent in attestations signed before it. */
  contractDigest?: string;
  initializedAt: string;
  finishedAt: string;
  dryRun: boolean;
}

export interface CheckedStatement {
  statement: Statement;
  metadata: PredicateMetadata;
  materials: ResourceDescriptor[];
}

let validator: ValidateFunction | undefined;

/** Compiled once per process: the server validates every push with it. */
function predicateValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ strict: false, allErrors: false, logger: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

function describe(e: ErrorObject): string {
  return `predicate${e.instancePath.replace(/\//g, ".")} ${e.message ?? "is invalid"}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A subject is a ResourceDescriptor with a non-empty digest map of strings (in-toto Statement v1). */
function checkSubjects(subject: unknown): void {
  if (!Array.isArray(subject) || subject.length === 0) verifyFailed("statement has no subject");
  subject.forEach((s, i) => {
    const digest = isObject(s) ? s.digest : undefined;
    if (!isObject(digest) || Object.keys(digest).length === 0 || !Object.values(digest).every((d) => typeof d === "string")) {
      verifyFailed(`statement subject[${i}] has no digest map`);
    }
  });
}

/**
 * Payload type, in-toto Statement v1, cairn's predicate type, and the predicate against
 * docs/schemas/cairn-attestation-v0.1.schema.json. Any failure → VERIFY_FAILED naming the field.
 */
export function checkStatement(payloadType: string, payload: Uint8Array): CheckedStatement {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) verifyFailed(`payload type is ${payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  let st: unknown;
  try {
    st = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    verifyFailed("signed payload is not JSON");
  }
  if (!isObject(st)) verifyFailed("signed payload is not an in-toto statement object");
  if (st._type !== STATEMENT_TYPE) verifyFailed(`statement _type is ${JSON.stringify(st._type)}, expected ${STATEMENT_TYPE}`);
  checkSubjects(st.subject);
  if (st.predicateType !== PREDICATE_TYPE) verifyFailed(`predicate type is ${JSON.stringify(st.predicateType)}, expected ${PREDICATE_TYPE}`);
  const validate = predicateValidator();
  if (!validate(st.predicate)) {
    const errors = (validate.errors ?? []).slice(0, 3).map(describe);
    verifyFailed(`predicate does not match the cairn attestation schema: ${errors.join("; ")}`);
  }
  const predicate = st.predicate as { metadata: PredicateMetadata; materials: ResourceDescriptor[] };
  return { statement: st as unknown as Statement, metadata: predicate.metadata, materials: predicate.materials };
}

/** The sha256 digests of the materials the statement says were uploaded to the CAS (deduplicated). */
export function uploadedDigests(materials: ResourceDescriptor[]): string[] {
  const out = new Set<string>();
  for (const m of materials) if (m.annotations?.[`${ANN}.cas`] === "true" && m.digest.sha256) out.add(`sha256:${m.digest.sha256}`);
  return [...out];
}
