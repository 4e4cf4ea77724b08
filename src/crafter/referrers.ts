import { ANN } from "./materials/kind.ts";
import type { Statement } from "./statement.ts";

/** A node of the referrer graph: anything with a digest that an attestation references (or the attestation itself). */
export interface ReferrerNode {
  /** "sha256:<hex>" (or "sha1:<hex>" for git commits). */
  digest: string;
  /** Material kind, "ATTESTATION", or "GIT_HEAD_COMMIT". */
  kind: string;
  /** Its content is in the CAS (so `artifact download` can fetch it). */
  downloadable: boolean;
  metadata: Record<string, string>;
}

export interface AttestationGraph {
  attestation: ReferrerNode;
  references: ReferrerNode[];
}

export interface AttestationMeta {
  runId: string;
  workflow: string;
  project: string;
  projectVersion?: string;
  team?: string;
  organization: string;
  contractName: string;
  contractRevision: number;
  createdAt: string;
}

interface Descriptor {
  name?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * What a stored attestation references: every material with a sha256 digest (an ATTESTATION material is the same
 * node as the attestation it names, which chains workflows), and the git commit subject. Deduplicated by
 * (digest, kind) and sorted, so indexing is deterministic.
 */
export function attestationGraph(statement: Statement, bundleDigest: string, meta: AttestationMeta): AttestationGraph {
  const attestation: ReferrerNode = {
    digest: bundleDigest,
    kind: "ATTESTATION",
    downloadable: true,
    metadata: {
      workflow: meta.workflow,
      project: meta.project,
      ...(meta.projectVersion ? { projectVersion: meta.projectVersion } : {}),
      ...(meta.team ? { team: meta.team } : {}),
      organization: meta.organization,
      contractName: meta.contractName,
      contractRevision: String(meta.contractRevision),
      runId: meta.runId,
      predicateType: statement.predicateType,
      createdAt: meta.createdAt,
    },
  };
  return { attestation, references: statementReferences(statement) };
}

/** What a cairn statement references (see attestationGraph), deduplicated and sorted. */
export function statementReferences(statement: Statement): ReferrerNode[] {
  const nodes = new Map<string, ReferrerNode>();
  const materials = (statement.predicate.materials ?? []) as Descriptor[];
  for (const m of materials) {
    const hex = m.digest?.sha256;
    const kind = m.annotations?.[`${ANN}.type`];
    if (!hex || !kind) continue;
    const node: ReferrerNode = {
      digest: `sha256:${hex}`,
      kind,
      downloadable: m.annotations?.[`${ANN}.cas`] === "true",
      metadata: { material: m.annotations?.[`${ANN}.name`] ?? "", ...(m.name ? { name: m.name } : {}) },
    };
    nodes.set(`${node.digest} ${node.kind}`, node);
  }
  for (const s of statement.subject) {
    const sha1 = s.digest.sha1 ?? s.digest.gitCommit;
    if (s.name === "git.head" && sha1) {
      const node: ReferrerNode = { digest: `sha1:${sha1}`, kind: "GIT_HEAD_COMMIT", downloadable: false, metadata: { name: "git.head" } };
      nodes.set(`${node.digest} ${node.kind}`, node);
    }
  }
  return [...nodes.values()].sort((a, b) => (a.digest + a.kind < b.digest + b.kind ? -1 : 1));
}

/**
 * The graph of a statement that accompanies a cairn attestation (SLSA provenance): its own ATTESTATION node, with the
 * cairn attestation's names and its own predicate type, referencing the cairn attestation and those of the cairn
 * attestation's references that are its subjects (so an artifact's node leads to both). `back` links the cairn
 * attestation to it, so each is reachable from the other.
 */
export function companionGraph(statement: Statement, digest: string, cairn: AttestationGraph, createdAt: string): { graph: AttestationGraph; back: AttestationGraph } {
  const subjects = new Set(statement.subject.map((s) => s.digest.sha256).filter((h): h is string => h !== undefined).map((h) => `sha256:${h}`));
  const node: ReferrerNode = {
    digest,
    kind: "ATTESTATION",
    downloadable: true,
    metadata: { ...cairn.attestation.metadata, predicateType: statement.predicateType, createdAt },
  };
  const references = [cairn.attestation, ...cairn.references.filter((n) => subjects.has(n.digest))];
  return { graph: { attestation: node, references }, back: { attestation: cairn.attestation, references: [node] } };
}
