// GitLab's build type for a CI/CD job, as the GitLab Runner documents it (its PROVENANCE.md, one URI per runner
// release; fields in GitLab's "SLSA provenance specification" page): externalParameters {source, entryPoint,
// variables}, internalParameters {name, executor, architecture, job}. Filled from the variables the GitLab runner spec
// records (src/crafter/runners/gitlab.ts); used only when the job, project, commit, runner ID and a release runner
// version are known, otherwise the provenance falls back to the cairn build type. docs/slsa.md says where cairn's values differ.
import type { CraftingState } from "../crafter/state/types.ts";
import type { BuildDefinitionParts } from "./build-types.ts";

/** The runner's build type URI for runner release `x.y.z` (the runner writes its own version tag there). */
export function gitlabBuildType(runnerVersion: string | undefined): string | undefined {
  const m = runnerVersion === undefined ? null : /^v?([0-9]+\.[0-9]+\.[0-9]+)$/.exec(runnerVersion);
  return m === null ? undefined : `https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v${m[1]}/PROVENANCE.md`;
}

/** The GitLab build definition, or undefined when this is not a GitLab job the build type can describe. */
export function gitlabBuildDefinition(state: CraftingState): BuildDefinitionParts | undefined {
  if (state.runner.type !== "GITLAB_PIPELINE") return undefined;
  const env = state.env;
  const buildType = gitlabBuildType(env.CI_RUNNER_VERSION);
  const { CI_PROJECT_URL: source, CI_JOB_NAME: entryPoint, CI_COMMIT_SHA: sha } = env;
  if (buildType === undefined || source === undefined || entryPoint === undefined || sha === undefined) return undefined;
  if (gitlabBuilderId(env) === undefined) return undefined; // the build type's builder.id is the runner
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) return undefined;
  // The runner records every variable of the job; cairn has only the ones it records (runner spec + envAllowList).
  const variables: Record<string, string> = {};
  for (const k of Object.keys(env).sort()) variables[k] = env[k]!;
  const internal: Record<string, unknown> = {};
  if (env.CI_RUNNER_DESCRIPTION !== undefined) internal.name = env.CI_RUNNER_DESCRIPTION;
  // CI_RUNNER_EXECUTABLE_ARCH is `<os>/<arch>` of the runner binary; the build type's architecture is the arch.
  const arch = /^[^/]+\/([^/]+)$/.exec(env.CI_RUNNER_EXECUTABLE_ARCH ?? "")?.[1];
  if (arch !== undefined) internal.architecture = arch;
  if (env.CI_JOB_ID !== undefined && /^[0-9]+$/.test(env.CI_JOB_ID)) internal.job = Number(env.CI_JOB_ID);
  return {
    buildType,
    externalParameters: { source, entryPoint, variables },
    internalParameters: internal,
    source: { uri: source, digest: { gitCommit: sha } },
  };
}

/** `<CI_PROJECT_URL>/-/runners/<CI_RUNNER_ID>`, the runner's builder.id. */
export function gitlabBuilderId(env: Record<string, string>): string | undefined {
  const { CI_PROJECT_URL: project, CI_RUNNER_ID: runner } = env;
  if (project === undefined || runner === undefined || !/^[0-9]+$/.test(runner)) return undefined;
  return `${project.replace(/\/+$/, "")}/-/runners/${runner}`;
}
