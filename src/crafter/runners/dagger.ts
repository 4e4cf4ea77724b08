import { GITHUB_PR_VARS, GITLAB_MR_VARS } from "./ci-vars.ts";
import { isSet, type RunnerSpec } from "./types.ts";

/** Set by the Dagger module that runs the CLI; either spelling is accepted. */
export const DAGGER_CLIENT_VARS = ["CAIRN_DAGGER_CLIENT", "CHAINLOOP_DAGGER_CLIENT"] as const;

/**
 * Dagger pipelines. Detection already proves one client variable is set, so none is listed as
 * required (requiring CHAINLOOP_DAGGER_CLIENT would wrongly flag runs that set CAIRN_DAGGER_CLIENT).
 * The host CI's pull/merge-request variables are recorded when the module forwards them.
 */
export const daggerPipeline: RunnerSpec = {
  type: "DAGGER_PIPELINE",
  detection: "CAIRN_DAGGER_CLIENT or CHAINLOOP_DAGGER_CLIENT is set",
  detect: (env) => DAGGER_CLIENT_VARS.some((n) => isSet(env, n)),
  required: [],
  optional: [
    ...DAGGER_CLIENT_VARS,
    ...GITHUB_PR_VARS,
    ...GITLAB_MR_VARS,
    "CI_SERVER_URL",
    "CI_PROJECT_PATH",
    "GITLAB_USER_LOGIN",
  ],
  urlRule: "none",
  url: () => undefined,
};
