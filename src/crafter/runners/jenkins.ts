import { get, isSet, type RunnerSpec } from "./types.ts";

/** Jenkins. */
export const jenkinsJob: RunnerSpec = {
  type: "JENKINS_JOB",
  detection: "JENKINS_HOME and BUILD_URL are set",
  detect: (env) => isSet(env, "JENKINS_HOME") && isSet(env, "BUILD_URL"),
  required: ["JOB_NAME", "BUILD_URL", "WORKSPACE", "NODE_NAME"],
  optional: ["GIT_BRANCH", "GIT_COMMIT", "AGENT_WORKDIR"],
  urlRule: "BUILD_URL",
  url: (env) => get(env, "BUILD_URL"),
};
