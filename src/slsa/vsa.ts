// SLSA Verification Summary Attestations (https://slsa.dev/spec/v1.0/verification_summary): the statement `cairn
// verify --vsa` signs, and the field-by-field check `--vsa-from` applies to one it is given. Pure: no I/O.
import { STATEMENT_TYPE, type Statement } from "../crafter/statement.ts";
import type { VerificationResult } from "./verification-policy.ts";

export const SLSA_VSA_V1 = "https://slsa.dev/verification_summary/v1";
/** What cairn writes as slsaVersion: the SLSA version whose levels verifiedLevels speaks of. */
export const VSA_SLSA_VERSION = "1.0";

export interface VsaInput {
  verifierId: string;
  verifierVersion: string;
  /** RFC 3339, UTC with Z. */
  timeVerified: string;
  resourceUri: string;
  /** The artifact; digest is sha256:HEX. */
  subject: { name: string; digest: string };
  policyUri: string;
  /** sha256:HEX of the policy the verifier applied. */
  policyDigest: string;
  /** sha256:HEX of each attestation the verdict rests on. */
  inputAttestations: string[];
  result: VerificationResult;
  verifiedLevels: string[];
}

const hex = (d: string) => d.replace(/^sha256:/, "");

/** The VSA statement for one verdict; serialize it with serializeStatement to sign it. */
export function buildVsa(v: VsaInput): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: v.subject.name, digest: { sha256: hex(v.subject.digest) } }],
    predicateType: SLSA_VSA_V1,
    predicate: {
      verifier: { id: v.verifierId, version: { cairn: v.verifierVersion } },
      timeVerified: v.timeVerified,
      resourceUri: v.resourceUri,
      policy: { uri: v.policyUri, digest: { sha256: hex(v.policyDigest) } },
      inputAttestations: v.inputAttestations.map((d) => ({ digest: { sha256: hex(d) } })),
      verificationResult: v.result,
      verifiedLevels: v.verifiedLevels,
      slsaVersion: VSA_SLSA_VERSION,
    },
  };
}

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const LEVEL = /^SLSA_([A-Z0-9]+)_LEVEL_(\d+|UNEVALUATED)$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v !== "";

/** Every way `statement` breaks the VSA v1 schema, one line each (field path first); [] when it is a valid VSA. */
export function checkVsa(statement: unknown): string[] {
  if (!isObj(statement)) return ["statement: not a JSON object"];
  const out: string[] = [];
  if (statement._type !== STATEMENT_TYPE) out.push(`_type: must be ${STATEMENT_TYPE}`);
  if (!Array.isArray(statement.subject) || statement.subject.length === 0) out.push("subject: must be a non-empty list");
  else statement.subject.forEach((s, i) => out.push(...digestSet(isObj(s) ? s.digest : undefined, `subject[${i}].digest`)));
  if (statement.predicateType !== SLSA_VSA_V1) out.push(`predicateType: must be ${SLSA_VSA_V1}`);
  const p = statement.predicate;
  if (!isObj(p)) return [...out, "predicate: must be an object"];
  const verifier = p.verifier;
  if (!isObj(verifier) || !nonEmpty(verifier.id)) out.push("predicate.verifier.id: required (a URI)");
  else if (verifier.version !== undefined && !(isObj(verifier.version) && Object.values(verifier.version).every((x) => typeof x === "string"))) {
    out.push("predicate.verifier.version: must map names to version strings");
  }
  if (p.timeVerified !== undefined && !(typeof p.timeVerified === "string" && RFC3339_UTC.test(p.timeVerified))) out.push("predicate.timeVerified: must be RFC 3339 in UTC (…Z)");
  if (!nonEmpty(p.resourceUri)) out.push("predicate.resourceUri: required (a URI)");
  if (!isObj(p.policy) || !nonEmpty(p.policy.uri)) out.push("predicate.policy.uri: required");
  else if (p.policy.digest !== undefined) out.push(...digestSet(p.policy.digest, "predicate.policy.digest"));
  if (p.inputAttestations !== undefined) {
    if (!Array.isArray(p.inputAttestations)) out.push("predicate.inputAttestations: must be a list");
    else p.inputAttestations.forEach((a, i) => out.push(...digestSet(isObj(a) ? a.digest : undefined, `predicate.inputAttestations[${i}].digest`)));
  }
  if (p.verificationResult !== "PASSED" && p.verificationResult !== "FAILED") out.push("predicate.verificationResult: must be PASSED or FAILED");
  out.push(...levels(p.verifiedLevels, p.verificationResult));
  if (p.dependencyLevels !== undefined && !(isObj(p.dependencyLevels) && Object.entries(p.dependencyLevels).every(([k, n]) => LEVEL.test(k) && Number.isInteger(n) && (n as number) >= 0))) {
    out.push("predicate.dependencyLevels: must map SLSA levels to counts (non-negative integers)");
  }
  if (p.slsaVersion !== undefined && !(typeof p.slsaVersion === "string" && /^1\.\d+$/.test(p.slsaVersion))) out.push("predicate.slsaVersion: must be a SLSA version such as 1.0");
  return out;
}

function digestSet(d: unknown, path: string): string[] {
  if (d === undefined) return [`${path}: required`];
  if (!isObj(d) || Object.keys(d).length === 0) return [`${path}: must be a non-empty digest set`];
  const out: string[] = [];
  for (const [alg, v] of Object.entries(d)) {
    if (typeof v !== "string" || v === "") out.push(`${path}.${alg}: must be a string`);
    else if ((alg === "sha256" && !/^[0-9a-f]{64}$/.test(v)) || (alg === "sha512" && !/^[0-9a-f]{128}$/.test(v))) out.push(`${path}.${alg}: must be lowercase hex`);
  }
  return out;
}

/** One level per track; FAILED exactly when the result is FAILED; custom values must not start with SLSA_. */
function levels(v: unknown, result: unknown): string[] {
  const path = "predicate.verifiedLevels";
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return [`${path}: required, a list of strings`];
  const out: string[] = [];
  const tracks = new Set<string>();
  for (const l of v as string[]) {
    const m = LEVEL.exec(l);
    if (m) {
      if (tracks.has(m[1]!)) out.push(`${path}: more than one level for track ${m[1]}`);
      tracks.add(m[1]!);
    } else if (l.startsWith("SLSA_")) out.push(`${path}: ${l} is not a SLSA level (custom values must not start with SLSA_)`);
  }
  const failed = (v as string[]).includes("FAILED");
  if (result === "FAILED" && !failed) out.push(`${path}: must hold FAILED when verificationResult is FAILED`);
  if (result === "PASSED" && failed) out.push(`${path}: holds FAILED but verificationResult is PASSED`);
  return out;
}
