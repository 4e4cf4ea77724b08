import { get, isSet, type RunnerSpec } from "./types.ts";

/** JetBrains TeamCity (BUILD_URL is not a TeamCity default: the build configuration must export it). */
export const teamcityPipeline: RunnerSpec = {
  type: "TEAMCITY_PIPELINE",
  detection: "TEAMCITY_PROJECT_NAME is set",
  detect: (env) => isSet(env, "TEAMCITY_PROJECT_NAME"),
  required: ["BUILD_URL", "TEAMCITY_PROJECT_NAME"],
  optional: ["TEAMCITY_VERSION", "BUILD_NUMBER", "USER", "TEAMCITY_GIT_VERSION", "BUILD_VCS_NUMBER", "HOME"],
  urlRule: "BUILD_URL",
  url: (env) => get(env, "BUILD_URL"),
};
