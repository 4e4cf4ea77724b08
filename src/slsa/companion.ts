// A SLSA provenance as the companion of a cairn attestation: it names that attestation as its byproduct, and its
// subjects are that attestation's. Pure; shared by local push, the server's ingest and import.
import type { Statement } from "../crafter/statement.ts";

/** The cairn attestation a provenance names as its byproduct `cairn-attestation`. */
export function provenanceAttestation(statement: Pick<Statement, "predicate"> | { predicate: Record<string, unknown> }): string | undefined {
  const byproducts = ((statement.predicate.runDetails as { byproducts?: unknown } | undefined)?.byproducts ?? []) as { name?: unknown; digest?: { sha256?: unknown } }[];
  const b = Array.isArray(byproducts) ? byproducts.find((x) => x?.name === "cairn-attestation") : undefined;
  return typeof b?.digest?.sha256 === "string" && /^[0-9a-f]{64}$/.test(b.digest.sha256) ? `sha256:${b.digest.sha256}` : undefined;
}

/**
 * Why a verified provenance cannot accompany the cairn attestation `digest` (whose statement is `cairn`), or
 * undefined: it must name that attestation as its byproduct, and each of its subjects must be one of the attestation's.
 */
export function companionMismatch(statement: Statement, digest: string, cairn: Statement): string | undefined {
  const named = provenanceAttestation(statement);
  if (named !== digest) return `the SLSA provenance names attestation ${named ?? "(none)"} as its byproduct, not ${digest}`;
  // Only sha256 subjects: a git subject has none, and must not let a subject without one through as "undefined".
  const outputs = new Set(cairn.subject.map((s) => s.digest?.sha256).filter((d) => typeof d === "string"));
  const foreign = statement.subject.find((s) => typeof s.digest?.sha256 !== "string" || !outputs.has(s.digest.sha256));
  return foreign ? `SLSA provenance subject ${foreign.name ?? ""} (sha256:${foreign.digest?.sha256}) is not a subject of attestation ${digest}` : undefined;
}

