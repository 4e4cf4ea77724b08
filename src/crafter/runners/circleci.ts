import { get, type RunnerSpec } from "./types.ts";

/** CircleCI. */
export const circleciBuild: RunnerSpec = {
  type: "CIRCLECI_BUILD",
  detection: 'CI and CIRCLECI both equal "true"',
  detect: (env) => env.CI === "true" && env.CIRCLECI === "true",
  required: ["CIRCLE_BUILD_URL", "CIRCLE_JOB", "CIRCLE_BRANCH", "CIRCLE_NODE_TOTAL", "CIRCLE_NODE_INDEX"],
  optional: [],
  urlRule: "CIRCLE_BUILD_URL",
  url: (env) => get(env, "CIRCLE_BUILD_URL"),
};
