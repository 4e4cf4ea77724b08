import type { Sample, ValidateContext } from "./kind.ts";
import { invalid, parseJsonObject, parseJsonText } from "./json-doc.ts";
import { scanJson } from "./json-scan.ts";
import { headJson, isRecord } from "./json-sniff.ts";

/**
 * Reading in-toto statements out of a DSSE envelope or a Sigstore bundle (v0.1–v0.3), shared by
 * ATTESTATION and SLSA_PROVENANCE. Signatures are not checked here: the crafter holds no keys or
 * trust roots. This only proves the file is structurally what it claims to be.
 */

/** DSSE payloadType of in-toto statements. */
export const INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** in-toto Statement _type values accepted (v1, and v0.1 still written by older tools). */
export const STATEMENT_TYPES: readonly string[] = ["https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1"];

const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(?:\+json;version=(0\.[123])|\.v(0\.[123])\+json)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

export interface InTotoDocument {
  /** "dsse" for a bare envelope, else the bundle version ("0.1" … "0.3"). */
  container: "dsse" | "bundle-0.1" | "bundle-0.2" | "bundle-0.3";
  statement: Record<string, unknown>;
  predicateType: string;
  subjects: unknown[];
  predicate: Record<string, unknown>;
  /** Tolerated format defects. */
  warnings: string[];
}

/** Parses the file down to its in-toto statement. Throws MATERIAL_INVALID naming the layer that is wrong. */
export function parseInToto(bytes: Uint8Array, ctx: ValidateContext): InTotoDocument {
  const { value: doc } = parseJsonObject(bytes, ctx, "a DSSE envelope or Sigstore bundle");
  const { envelope, container, warnings } = unwrap(doc, ctx);
  if (envelope["payloadType"] !== INTOTO_PAYLOAD_TYPE) {
    throw invalid(ctx, `DSSE payloadType ${JSON.stringify(envelope["payloadType"])} is not ${INTOTO_PAYLOAD_TYPE}`, {
      hint: "only in-toto statements can be attached as attestations; add other signed files as ARTIFACT",
    });
  }
  const sigs = envelope["signatures"];
  if (!Array.isArray(sigs) || sigs.length === 0 || !sigs.every((s) => isRecord(s) && typeof s["sig"] === "string" && s["sig"] !== "")) {
    throw invalid(ctx, "DSSE signatures must be a non-empty list of {sig}");
  }
  const payload = envelope["payload"];
  const encoding = typeof payload !== "string" || payload === "" ? undefined : BASE64.test(payload) ? "base64" : BASE64URL.test(payload) ? "base64url" : undefined;
  if (encoding === undefined) throw invalid(ctx, "DSSE payload is not base64");
  const text = new TextDecoder().decode(Buffer.from(payload as string, encoding));
  let statement: unknown;
  try {
    statement = parseJsonText(text, ctx).value;
  } catch {
    throw invalid(ctx, "DSSE payload is not a JSON in-toto statement");
  }
  if (!isRecord(statement)) throw invalid(ctx, "DSSE payload is not a JSON in-toto statement");
  // Chainloop stores statements with protojson, which also accepts the proto field names.
  const type = statement["_type"] ?? statement["type"];
  if (typeof type !== "string" || !STATEMENT_TYPES.includes(type)) {
    throw invalid(ctx, `in-toto statement _type ${JSON.stringify(type)} is not one of ${STATEMENT_TYPES.join(", ")}`);
  }
  const predicateType = statement["predicateType"] ?? statement["predicate_type"];
  if (typeof predicateType !== "string" || predicateType === "") throw invalid(ctx, "in-toto statement has no predicateType");
  const subjects = statement["subject"];
  if (!Array.isArray(subjects) || subjects.length === 0) throw invalid(ctx, "in-toto statement has no subject");
  const predicate = isRecord(statement["predicate"]) ? statement["predicate"] : {};
  return { container, statement, predicateType, subjects, predicate, warnings };
}

/** A JSON object with neither a bundle's mediaType nor a DSSE envelope's fields (an in-toto link, a bare statement). */
function notAnEnvelope(doc: Record<string, unknown>, ctx: ValidateContext): Error {
  const type = typeof doc["_type"] === "string" ? ` (its _type is ${JSON.stringify(doc["_type"])})` : "";
  return invalid(ctx, `is not a DSSE envelope or Sigstore bundle${type}: it has no payloadType, payload and signatures, nor a bundle mediaType`, {
    hint: "pass the signed envelope or bundle that wraps the statement; an unsigned in-toto file (a link, a bare statement) can be added as EVIDENCE",
  });
}

interface Unwrapped {
  envelope: Record<string, unknown>;
  container: InTotoDocument["container"];
  warnings: string[];
}

function unwrap(doc: Record<string, unknown>, ctx: ValidateContext): Unwrapped {
  if (doc["mediaType"] === undefined) {
    if (doc["payloadType"] === undefined && doc["payload"] === undefined && doc["signatures"] === undefined) throw notAnEnvelope(doc, ctx);
    return { envelope: doc, container: "dsse", warnings: [] };
  }
  const m = typeof doc["mediaType"] === "string" ? BUNDLE_MEDIA_TYPE.exec(doc["mediaType"]) : null;
  if (m === null) throw invalid(ctx, `mediaType ${JSON.stringify(doc["mediaType"])} is not a Sigstore bundle v0.1–v0.3`);
  const version = (m[1] ?? m[2]) as "0.1" | "0.2" | "0.3";
  const envelope = doc["dsseEnvelope"] ?? doc["dsse_envelope"];
  if (!isRecord(envelope)) {
    throw invalid(ctx, "Sigstore bundle carries no dsseEnvelope", { hint: "message-signature bundles sign a blob, not an in-toto statement" });
  }
  const vm = doc["verificationMaterial"] ?? doc["verification_material"];
  // The v0.3 spec allows a single certificate only, but Chainloop has written v0.3 bundles with a chain:
  // accept them as materials (verification is where the format matters) and say so.
  const chain = version === "0.3" && isRecord(vm) && (vm["x509CertificateChain"] ?? vm["x509_certificate_chain"]) !== undefined;
  return { envelope, container: `bundle-${version}`, warnings: chain ? ["v0.3 Sigstore bundle carries an x509CertificateChain (v0.3 allows a single certificate); verifiers may reject it"] : [] };
}

export interface EnvelopeSniff {
  /** The statement's predicateType, when it lies within the sniffed head. */
  predicateType?: string;
  /** The whole statement was inside the head (so a missing predicateType is really missing). */
  complete: boolean;
}

/** Cheap look at the head: an in-toto DSSE envelope or bundle, and its predicateType if visible. */
export function sniffInToto(sample: Sample): EnvelopeSniff | undefined {
  const head = headJson(sample);
  const root = head?.root;
  if (head === undefined || !isRecord(root)) return undefined;
  let env: unknown = root;
  if (root["mediaType"] !== undefined) {
    if (typeof root["mediaType"] !== "string" || !BUNDLE_MEDIA_TYPE.test(root["mediaType"])) return undefined;
    env = root["dsseEnvelope"] ?? root["dsse_envelope"];
  }
  if (!isRecord(env) || typeof env["payload"] !== "string") return undefined;
  // Bundles written by protojson put payloadType after a payload that may run past the head.
  const typeUnseen = env["payloadType"] === undefined && !head.complete;
  if (env["payloadType"] !== INTOTO_PAYLOAD_TYPE && !typeUnseen) return undefined;
  // The payload may be cut by the head limit: decode the whole base64 quads and read what is there.
  const b64 = env["payload"];
  const text = new TextDecoder().decode(Buffer.from(b64.slice(0, b64.length - (b64.length % 4)), /[-_]/.test(b64) ? "base64url" : "base64"));
  const scan = scanJson(text, { partial: true });
  if (!isRecord(scan.value)) return undefined;
  const type = scan.value["_type"] ?? scan.value["type"];
  if (typeUnseen && !(typeof type === "string" && STATEMENT_TYPES.includes(type))) return undefined;
  const pt = scan.value["predicateType"] ?? scan.value["predicate_type"];
  return { ...(typeof pt === "string" ? { predicateType: pt } : {}), complete: scan.complete };
}
