// What a signed statement says, read defensively (it is attacker-shaped JSON until proven otherwise): which role the
// artifact plays in it, the run it names, the git ref it was built from, and its attested materials.
import { ANN } from "../../crafter/materials/kind.ts";
import { PREDICATE_TYPE } from "../../crafter/statement.ts";
import { SLSA_PROVENANCE_V1 } from "../../slsa/provenance.ts";
import { provenanceAttestation } from "../../slsa/companion.ts";

export { SLSA_PROVENANCE_V1 };
/** Predicate types `cairn verify` accepts; any other attestation referencing the artifact is reported, not accepted. */
export const ACCEPTED_PREDICATES = [PREDICATE_TYPE, SLSA_PROVENANCE_V1] as const;

export interface Descriptor {
  name?: string;
  digest?: Record<string, string>;
  content?: string;
  annotations?: Record<string, string>;
}

export interface SignedFacts {
  predicateType: string;
  /** "subject" (an output) or "material" (an input) for the artifact; undefined when the statement does not name it. */
  role?: "subject" | "material";
  /** cairn statements: the run metadata they sign. */
  runId?: string;
  workflow?: string;
  project?: string;
  organization?: string;
  contractRevision?: number;
  /** The git ref the run was built from, when the statement records one. */
  gitRef?: string;
  /** Materials (cairn: predicate.materials; SLSA: subjects and resolved dependencies). */
  materials: Descriptor[];
  /** Material names (the `cairn.material.name` annotation) present in the statement. */
  materialNames: Set<string>;
  /** SLSA provenance: the cairn attestation it accompanies (its signed byproduct `cairn-attestation`). */
  companion?: string;
  /** cairn statements: the signed policy gate verdict and dry-run flag. */
  blocked?: boolean;
  dryRun?: boolean;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const list = (v: unknown): Descriptor[] => (Array.isArray(v) ? v.filter((d) => d && typeof d === "object").map((d) => d as Descriptor) : []);

/** Reads the facts of an in-toto statement for the artifact `digest` (sha256:HEX). */
export function signedFacts(statement: unknown, digest: string): SignedFacts {
  const st = obj(statement);
  const predicateType = String(st.predicateType ?? "");
  const predicate = obj(st.predicate);
  const hex = digest.slice("sha256:".length);
  const names = (ds: Descriptor[]) => ds.some((d) => obj(d.digest).sha256 === hex);
  const subjects = list(st.subject);
  if (predicateType === SLSA_PROVENANCE_V1) {
    const build = obj(predicate.buildDefinition);
    const deps = [...list(build.resolvedDependencies), ...list(obj(predicate.runDetails).byproducts)];
    const ref = str(obj(obj(build.externalParameters).workflow).ref);
    const materials = [...subjects, ...deps];
    const companion = provenanceAttestation({ predicate });
    return {
      predicateType, role: names(subjects) ? "subject" : names(deps) ? "material" : undefined, gitRef: ref, materials, materialNames: materialNames(materials),
      ...(companion && { companion }),
    };
  }
  const meta = obj(predicate.metadata);
  const materials = list(predicate.materials);
  const revision = meta.contractRevision;
  return {
    predicateType,
    role: names(subjects) ? "subject" : names(materials) ? "material" : undefined,
    runId: str(meta.workflowRunID),
    workflow: str(meta.workflowName),
    project: str(meta.project),
    organization: str(meta.organization),
    ...(typeof revision === "number" && { contractRevision: revision }),
    gitRef: envRef(obj(predicate.env)),
    materials,
    materialNames: materialNames(materials),
    blocked: predicate.policyBlocked === true,
    dryRun: meta.dryRun === true,
  };
}

/** GitHub's GITHUB_REF as is; GitLab's CI_COMMIT_TAG / CI_COMMIT_REF_NAME as the full ref they stand for. */
export function envRef(env: Record<string, unknown>): string | undefined {
  const github = str(env.GITHUB_REF);
  if (github) return github;
  const tag = str(env.CI_COMMIT_TAG);
  if (tag) return `refs/tags/${tag}`;
  const branch = str(env.CI_COMMIT_REF_NAME);
  if (branch) return branch.startsWith("refs/") ? branch : `refs/heads/${branch}`;
  return undefined;
}

function materialNames(ds: Descriptor[]): Set<string> {
  return new Set(ds.map((d) => d.annotations?.[`${ANN}.name`]).filter((n): n is string => typeof n === "string"));
}
