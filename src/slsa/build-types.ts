// Which SLSA build type describes a crafting state, and its parameters. GitHub and GitLab runs get their platform's
// documented build type when the state has what it requires; everything else gets cairn's own, whose parameters are
// published as docs/schemas/cairn-buildtype-workflow-v1.schema.json.
import type { ResourceDescriptor } from "../crafter/statement.ts";
import type { CraftingState } from "../crafter/state/types.ts";
import { githubBuildDefinition } from "./github.ts";
import { gitlabBuildDefinition } from "./gitlab.ts";

export const CAIRN_BUILD_TYPE = "https://cairn.dev/slsa/buildtypes/workflow/v1";

/** A build type with its parameters, and the source dependency it names (first of resolvedDependencies). */
export interface BuildDefinitionParts {
  buildType: string;
  externalParameters: Record<string, unknown>;
  internalParameters: Record<string, unknown>;
  source?: ResourceDescriptor;
}

/** GitHub's build type, else GitLab's, else cairn's (see docs/slsa.md "Build types" for when each applies). */
export function buildDefinitionFor(state: CraftingState): BuildDefinitionParts {
  return githubBuildDefinition(state) ?? gitlabBuildDefinition(state) ?? cairnBuildDefinition(state);
}

/**
 * cairn's build type: the workflow and contract revision the run was started for (what a tenant chooses) as external
 * parameters; the runner, the attestation and the latest contract revision (what cairn observed) as internal ones.
 */
export function cairnBuildDefinition(state: CraftingState): BuildDefinitionParts {
  const w = state.workflow;
  const externalParameters: Record<string, unknown> = {
    workflow: { organization: w.organization, project: w.project, name: w.name },
    contract: { name: w.contractName, revision: w.contractRevision },
  };
  if (w.projectVersion !== undefined) externalParameters.projectVersion = w.projectVersion.version;
  const runner: Record<string, string> = { type: state.runner.type };
  if (state.runner.url !== undefined) runner.url = state.runner.url;
  const internalParameters: Record<string, unknown> = {
    runner,
    contractRevisionLatest: w.contractRevisionLatest,
    attestationId: state.attestationId,
  };
  if (state.dryRun) internalParameters.dryRun = true;
  return { buildType: CAIRN_BUILD_TYPE, externalParameters, internalParameters };
}
