import { canonicalJson } from "./canonical-json.ts";
import { ANN } from "./materials/kind.ts";
import { hasPolicies, policySummary } from "./policy/attach.ts";
import type { CraftingState, GitHead, RecordedMaterial } from "./state/types.ts";
import { sha256 } from "./sha256.ts";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** Our predicate, documented by docs/schemas/cairn-attestation-v0.1.schema.json. */
export const PREDICATE_TYPE = "https://cairn.dev/attestation/v0.1";
export const BUILD_TYPE = "https://cairn.dev/workflowrun/v0.1";

export interface ResourceDescriptor {
  name?: string;
  /** in-toto ResourceURI (SLSA provenance: e.g. `git+https://host/repo@ref`); cairn statements leave it out. */
  uri?: string;
  digest: Record<string, string>;
  content?: string;
  mediaType?: string;
  annotations?: Record<string, string>;
}

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export interface RenderOptions {
  /** RFC 3339 time the attestation was finished (injected clock). */
  finishedAt: string;
  builderVersion: string;
  /** Attestation-level annotations (contract values merged with --annotation). */
  annotations: Record<string, string>;
  /** `push --exception-bypass-policy-check`: a violated gate is recorded as bypassed instead of blocked. */
  bypassPolicyCheck?: boolean;
}

/**
 * Renders the in-toto Statement for a crafting state. Subjects: the workflow (digest = sha256 of the canonical
 * predicate, so anyone can recompute it), the git HEAD when known, then every output material, sorted by name.
 * Policy verdicts in `state.policyEvaluations` (material ones from `add`, attestation ones appended by `push`) are
 * rendered with their counts (crafter/policy/attach.ts).
 */
export function buildStatement(state: CraftingState, opts: RenderOptions): Statement {
  const materials = Object.values(state.materials)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(materialDescriptor);
  const predicate = {
    buildType: BUILD_TYPE,
    builder: { id: `cairn/${opts.builderVersion}` },
    metadata: {
      attestationID: state.attestationId,
      workflowName: state.workflow.name,
      workflowID: state.workflow.workflowId,
      workflowRunID: state.workflow.runId,
      project: state.workflow.project,
      projectVersion: state.workflow.projectVersion?.version,
      projectVersionPrerelease: versionPrerelease(state),
      team: state.workflow.team,
      organization: state.workflow.organization,
      contractName: state.workflow.contractName,
      contractRevision: state.workflow.contractRevision,
      // Binds the revision's body to the signature: import and fsck compare it with the stored body (absent before).
      contractDigest: state.workflow.contractDigest,
      initializedAt: state.initializedAt,
      finishedAt: opts.finishedAt,
      dryRun: state.dryRun,
    },
    runner: { type: state.runner.type, url: state.runner.url },
    env: state.env,
    annotations: opts.annotations,
    materials,
    // Only when the contract attaches policies, so attestations without policies keep their exact bytes.
    ...(hasPolicies(state.contract, state.policyEvaluations) && policySummary(state.policyEvaluations ?? [], opts.bypassPolicyCheck ?? false)),
  };
  const subject: ResourceDescriptor[] = [
    { name: `cairn.workflow.${state.workflow.name}`, digest: { sha256: sha256Hex(canonicalJson(predicate)) } },
  ];
  if (state.git) subject.push(gitSubject(state.git));
  for (const m of Object.values(state.materials).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (m.output) subject.push(materialDescriptor(m));
  }
  return { _type: STATEMENT_TYPE, subject, predicateType: PREDICATE_TYPE, predicate };
}

/** A push with --release publishes a release: the attestation says so. */
function versionPrerelease(state: CraftingState): boolean | undefined {
  const v = state.workflow.projectVersion;
  return v && v.prerelease && !v.markAsReleased;
}

/** The exact bytes that get signed. */
export function serializeStatement(s: Statement): Uint8Array {
  return new TextEncoder().encode(canonicalJson(s));
}

export function materialDescriptor(m: RecordedMaterial): ResourceDescriptor {
  const annotations: Record<string, string> = {
    ...m.annotations,
    [`${ANN}.name`]: m.name,
    [`${ANN}.type`]: m.kind,
  };
  if (m.uploaded) annotations[`${ANN}.cas`] = "true";
  if (m.size !== undefined) annotations[`${ANN}.size`] = String(m.size);
  const hex = m.digest.replace(/^sha256:/, "");
  if (m.kind === "STRING") {
    return { digest: { sha256: hex }, content: Buffer.from(m.value).toString("base64"), annotations };
  }
  return { name: m.value, digest: { sha256: hex }, annotations };
}

function gitSubject(g: GitHead): ResourceDescriptor {
  const algo = g.hash.length === 40 ? "sha1" : "gitCommit";
  return {
    name: "git.head",
    digest: { [algo]: g.hash },
    annotations: {
      "author.email": g.authorEmail,
      "author.name": g.authorName,
      date: g.date,
      message: g.message,
      remotes: JSON.stringify(g.remotes),
    },
  };
}

/**
 * What `metadata.contractDigest` holds: sha256 of a contract revision's body exactly as stored (and as `cairn export`
 * writes it to contracts/<name>/<n>.<yaml|json>), so a changed comment or whitespace changes it too.
 */
export function contractBodyDigest(body: string): string {
  return sha256(body);
}

function sha256Hex(s: string): string {
  return new Bun.CryptoHasher("sha256").update(s).digest("hex");
}
