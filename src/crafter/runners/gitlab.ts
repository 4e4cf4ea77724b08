import { GITLAB_MR_VARS } from "./ci-vars.ts";
import { get, isSet, type RunnerSpec } from "./types.ts";

/** GitLab CI/CD. */
export const gitlabPipeline: RunnerSpec = {
  type: "GITLAB_PIPELINE",
  detection: "GITLAB_CI and CI_JOB_URL are set",
  detect: (env) => isSet(env, "GITLAB_CI") && isSet(env, "CI_JOB_URL"),
  required: [
    "GITLAB_USER_EMAIL",
    "GITLAB_USER_LOGIN",
    "CI_SERVER_URL",
    "CI_PROJECT_URL",
    "CI_COMMIT_SHA",
    "CI_JOB_URL",
    "CI_PIPELINE_URL",
    "CI_RUNNER_VERSION",
    "CI_COMMIT_REF_NAME",
    "CI_PROJECT_PATH",
  ],
  // CI_JOB_NAME and the CI_RUNNER_ ones feed SLSA provenance (src/slsa): GitLab's build type names the job, the
  // runner (builder.id) and the runner binary's architecture.
  optional: [
    "CI_RUNNER_DESCRIPTION",
    ...GITLAB_MR_VARS,
    "CI_JOB_ID",
    "CI_JOB_NAME",
    "CI_RUNNER_ID",
    "CI_RUNNER_EXECUTABLE_ARCH",
  ],
  urlRule: "CI_JOB_URL",
  url: (env) => get(env, "CI_JOB_URL"),
};
