// SLSA Provenance v1 for a cairn crafting state: an in-toto statement whose subjects are the run's output materials.
// Pure: every input is a value (the clock is `finishedOn`), so the same input gives the same statement. The fields,
// build types and the builder.id rule are documented in docs/slsa.md.
import { CairnError } from "../errors.ts";
import { STATEMENT_TYPE, type ResourceDescriptor, type Statement } from "../crafter/statement.ts";
import type { CraftingState, RecordedMaterial } from "../crafter/state/types.ts";
import { buildDefinitionFor, CAIRN_BUILD_TYPE } from "./build-types.ts";
import { gitHeadDescriptor } from "./git-source.ts";
import { githubBuilderId, githubInvocationId } from "./github.ts";
import { gitlabBuilderId } from "./gitlab.ts";
import { materialMediaType, SIGSTORE_BUNDLE_V03 } from "./media-types.ts";

export { CAIRN_BUILD_TYPE } from "./build-types.ts";
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
/** builder.id of a run outside any CI and any control plane. */
export const LOCAL_BUILDER_ID = "cairn://local";

export interface ProvenanceInput {
  state: CraftingState;
  /** The stored cairn attestation bundle this provenance accompanies: its sha256:HEX (a byproduct). */
  attestationDigest: string;
  /** cairn's version (runDetails.builder.version {cairn: ...}). */
  builderVersion: string;
  /** RFC 3339 UTC, injected clock: when the push finished. */
  finishedOn: string;
  /** The control plane's base URL when crafting remotely (`cairn serve`): then builder.id names it. */
  controlPlane?: string;
}

/** The statement, or undefined when the attestation has no output materials (nothing to be provenance of). */
export function buildProvenance(input: ProvenanceInput): Statement | undefined {
  const { state } = input;
  const attestationHex = /^sha256:([0-9a-f]{64})$/.exec(input.attestationDigest)?.[1];
  if (attestationHex === undefined) {
    throw new CairnError("USAGE", `attestationDigest ${JSON.stringify(input.attestationDigest)} is not sha256:<64 lowercase hex>`);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(input.finishedOn) || Number.isNaN(Date.parse(input.finishedOn))) {
    throw new CairnError("USAGE", `finishedOn ${JSON.stringify(input.finishedOn)} is not an RFC 3339 UTC timestamp`, {
      hint: "e.g. 2026-11-02T10:10:00.000Z (UTC, with Z)",
    });
  }
  const materials = Object.values(state.materials).sort((a, b) => compare(a.name, b.name));
  const subject = subjects(materials.filter((m) => m.output));
  if (subject.length === 0) return undefined;
  const def = buildDefinitionFor(state);
  const resolvedDependencies: ResourceDescriptor[] = [];
  if (def.source !== undefined) resolvedDependencies.push(def.source);
  const head = gitHeadDescriptor(state);
  if (head !== undefined && head.digest.gitCommit !== def.source?.digest.gitCommit) resolvedDependencies.push(head);
  for (const m of materials) if (!m.output) resolvedDependencies.push(dependency(m));
  const metadata: Record<string, string> = {};
  const invocationId = invocationIdFor(state);
  if (invocationId !== undefined) metadata.invocationId = invocationId;
  metadata.startedOn = state.initializedAt;
  metadata.finishedOn = input.finishedOn;
  const predicate = {
    buildDefinition: {
      buildType: def.buildType,
      externalParameters: def.externalParameters,
      internalParameters: def.internalParameters,
      resolvedDependencies,
    },
    runDetails: {
      builder: { id: builderId(state, def.buildType, input.controlPlane), version: { cairn: input.builderVersion } },
      metadata,
      byproducts: [{ name: "cairn-attestation", digest: { sha256: attestationHex }, mediaType: SIGSTORE_BUNDLE_V03 }],
    },
  };
  return { _type: STATEMENT_TYPE, subject, predicateType: SLSA_PROVENANCE_V1, predicate };
}

/**
 * builder.id, first that applies: under GitHub's or GitLab's build type, the id that type defines (the workflow, the
 * runner); the control plane (remote crafting); on GitHub `<server>/<GITHUB_WORKFLOW_REF>`, on GitLab
 * `<project>/-/runners/<id>`; the origin of an http(s) run URL; `cairn://runner/<TYPE>` for a CI without one;
 * `cairn://local` outside CI.
 */
export function builderId(state: CraftingState, buildType: string, controlPlane?: string): string {
  const platform = state.runner.type === "GITHUB_ACTION" ? githubBuilderId(state.env)
    : state.runner.type === "GITLAB_PIPELINE" ? gitlabBuilderId(state.env) : undefined;
  // A platform's build type fixes its builder.id; claiming the type with another id would break it.
  if (buildType !== CAIRN_BUILD_TYPE && platform !== undefined) return platform;
  if (controlPlane !== undefined) {
    if (!/^https?:\/\/[^\s/]+/.test(controlPlane)) {
      throw new CairnError("USAGE", `controlPlane ${JSON.stringify(controlPlane)} is not an http(s) URL`);
    }
    return controlPlane.replace(/\/+$/, "");
  }
  if (platform !== undefined) return platform;
  const origin = httpOrigin(state.runner.url);
  if (origin !== undefined) return origin;
  return state.runner.type === "RUNNER_TYPE_UNSPECIFIED" ? LOCAL_BUILDER_ID : `cairn://runner/${state.runner.type}`;
}

/** GitHub's documented invocation ID when the attempt is known, else the run URL (none outside CI). */
function invocationIdFor(state: CraftingState): string | undefined {
  return (state.runner.type === "GITHUB_ACTION" ? githubInvocationId(state.env) : undefined) ?? state.runner.url;
}

/** Output materials as subjects: named by value (file, image or string), deduplicated, sorted by name then digest. */
function subjects(outputs: RecordedMaterial[]): ResourceDescriptor[] {
  const seen = new Map<string, ResourceDescriptor>();
  for (const m of outputs) {
    const hex = m.digest.replace(/^sha256:/, "");
    seen.set(`${m.value}\u0000${hex}`, { name: m.value, digest: { sha256: hex } });
  }
  return [...seen.values()].sort((a, b) => compare(a.name!, b.name!) || compare(a.digest.sha256!, b.digest.sha256!));
}

function dependency(m: RecordedMaterial): ResourceDescriptor {
  const d: ResourceDescriptor = { name: m.name, digest: { sha256: m.digest.replace(/^sha256:/, "") } };
  if (m.kind === "STRING") d.content = Buffer.from(m.value).toString("base64");
  const mediaType = materialMediaType(m);
  if (mediaType !== undefined) d.mediaType = mediaType;
  return d;
}

function httpOrigin(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
