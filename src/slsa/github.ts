// GitHub's build type for a workflow run (https://actions.github.io/buildtypes/workflow/v1), filled from the variables
// the GitHub runner spec records (src/crafter/runners/github.ts). Used only when everything it makes REQUIRED is known
// and the event is one it allows; otherwise the provenance falls back to the cairn build type.
import type { CraftingState } from "../crafter/state/types.ts";
import type { BuildDefinitionParts } from "./build-types.ts";

export const GITHUB_BUILD_TYPE = "https://actions.github.io/buildtypes/workflow/v1";

/** The only events the build type may describe ("MUST NOT be used for any other event type"). */
export const GITHUB_EVENTS: readonly string[] = ["create", "release", "push", "workflow_dispatch"];

export const RUNNER_ENVIRONMENTS: readonly string[] = ["github-hosted", "self-hosted"];

/** GITHUB_SERVER_URL without trailing slashes, https://github.com when unset (as the runner spec's run URL). */
export function githubServer(env: Record<string, string>): string {
  return (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
}

/**
 * The workflow file's path: GITHUB_WORKFLOW_REF less `<repository>/` and `@<ref>` (both may contain `@`, so the
 * affixes are matched whole). Undefined when the workflow ref is not of that form (e.g. another ref than GITHUB_REF).
 */
export function workflowPath(workflowRef: string, repository: string, ref: string): string | undefined {
  const prefix = `${repository}/`;
  const suffix = `@${ref}`;
  if (!workflowRef.startsWith(prefix) || !workflowRef.endsWith(suffix)) return undefined;
  const path = workflowRef.slice(prefix.length, workflowRef.length - suffix.length);
  return path === "" ? undefined : path;
}

/** The GitHub build definition, or undefined when this is not a GitHub run the build type can describe. */
export function githubBuildDefinition(state: CraftingState): BuildDefinitionParts | undefined {
  if (state.runner.type !== "GITHUB_ACTION") return undefined;
  const env = state.env;
  const { GITHUB_REPOSITORY: repo, GITHUB_REF: ref, GITHUB_WORKFLOW_REF: workflowRef, GITHUB_EVENT_NAME: event, GITHUB_SHA: sha } = env;
  if (repo === undefined || ref === undefined || workflowRef === undefined || sha === undefined || event === undefined) return undefined;
  if (!GITHUB_EVENTS.includes(event) || !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) return undefined;
  const path = workflowPath(workflowRef, repo, ref);
  if (path === undefined) return undefined;
  const repository = `${githubServer(env)}/${repo}`;
  const github: Record<string, string> = { event_name: event };
  if (isNumeric(env.GITHUB_REPOSITORY_ID)) github.repository_id = env.GITHUB_REPOSITORY_ID;
  if (isNumeric(env.GITHUB_REPOSITORY_OWNER_ID)) github.repository_owner_id = env.GITHUB_REPOSITORY_OWNER_ID;
  if (env.RUNNER_ENVIRONMENT !== undefined && RUNNER_ENVIRONMENTS.includes(env.RUNNER_ENVIRONMENT)) {
    github.runner_environment = env.RUNNER_ENVIRONMENT;
  }
  return {
    buildType: GITHUB_BUILD_TYPE,
    externalParameters: { workflow: { ref, repository, path } },
    internalParameters: { github },
    source: { uri: `git+${repository}@${ref}`, digest: { gitCommit: sha } },
  };
}

/** `<server>/<GITHUB_WORKFLOW_REF>`: the build type's builder.id (the top-level workflow; see docs/slsa.md). */
export function githubBuilderId(env: Record<string, string>): string | undefined {
  return env.GITHUB_WORKFLOW_REF === undefined ? undefined : `${githubServer(env)}/${env.GITHUB_WORKFLOW_REF}`;
}

/** `<server>/<repo>/actions/runs/<id>/attempts/<attempt>`, the build type's invocationId. */
export function githubInvocationId(env: Record<string, string>): string | undefined {
  const { GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run, GITHUB_RUN_ATTEMPT: attempt } = env;
  if (repo === undefined || run === undefined || attempt === undefined) return undefined;
  return `${githubServer(env)}/${repo}/actions/runs/${run}/attempts/${attempt}`;
}

function isNumeric(v: string | undefined): v is string {
  return v !== undefined && /^[0-9]+$/.test(v);
}
