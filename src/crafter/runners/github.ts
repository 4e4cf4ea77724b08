import { GITHUB_PR_VARS } from "./ci-vars.ts";
import { get, isSet, type RunnerSpec } from "./types.ts";

/**
 * GitHub Actions. The run URL uses GITHUB_SERVER_URL when set (GitHub Enterprise Server and
 * GitHub-compatible forges set it), where Chainloop always writes https://github.com.
 */
export const githubAction: RunnerSpec = {
  type: "GITHUB_ACTION",
  detection: "CI, GITHUB_REPOSITORY and GITHUB_RUN_ID are all set",
  detect: (env) => ["CI", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"].every((n) => isSet(env, n)),
  required: [
    "GITHUB_ACTOR",
    "GITHUB_REF",
    "GITHUB_REPOSITORY",
    "GITHUB_REPOSITORY_OWNER",
    "GITHUB_RUN_ID",
    "GITHUB_SHA",
    "RUNNER_NAME",
    "RUNNER_OS",
  ],
  // The last five feed SLSA provenance (src/slsa): the GitHub build type's workflow path, invocation ID and
  // numeric repository/owner IDs, and whether the runner is GitHub-hosted.
  optional: [
    ...GITHUB_PR_VARS,
    "GITHUB_SERVER_URL",
    "GITHUB_WORKFLOW_REF",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_REPOSITORY_ID",
    "GITHUB_REPOSITORY_OWNER_ID",
    "RUNNER_ENVIRONMENT",
  ],
  urlRule: "<GITHUB_SERVER_URL or https://github.com>/<GITHUB_REPOSITORY>/actions/runs/<GITHUB_RUN_ID>",
  url(env) {
    const repo = get(env, "GITHUB_REPOSITORY");
    const run = get(env, "GITHUB_RUN_ID");
    if (repo === undefined || run === undefined) return undefined;
    const server = (get(env, "GITHUB_SERVER_URL") ?? "https://github.com").replace(/\/+$/, "");
    return `${server}/${repo}/actions/runs/${run}`;
  },
};
