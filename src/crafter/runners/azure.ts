import { get, isSet, type RunnerSpec } from "./types.ts";

/** Azure Pipelines. */
export const azurePipeline: RunnerSpec = {
  type: "AZURE_PIPELINE",
  detection: "TF_BUILD and BUILD_BUILDURI are set",
  detect: (env) => isSet(env, "TF_BUILD") && isSet(env, "BUILD_BUILDURI"),
  required: ["BUILD_REQUESTEDFOR", "BUILD_BUILDID", "BUILD_BUILDNUMBER", "BUILD_BUILDURI"],
  optional: ["BUILD_REQUESTEDFOREMAIL", "BUILD_REPOSITORY_URI", "BUILD_REPOSITORY_NAME", "BUILD_REASON", "TF_BUILD"],
  urlRule:
    "<SYSTEM_TEAMFOUNDATIONSERVERURI>/<SYSTEM_TEAMPROJECT>/_build/results" +
    "?buildId=<BUILD_BUILDID>&j=<SYSTEM_JOBID>&view=logs",
  url(env) {
    const server = get(env, "SYSTEM_TEAMFOUNDATIONSERVERURI");
    const buildId = get(env, "BUILD_BUILDID");
    if (server === undefined || buildId === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(server);
    } catch {
      return undefined;
    }
    // Same shape as Chainloop (Go path.Join + url.Values.Encode, which sorts the query keys).
    const segments = [u.pathname, get(env, "SYSTEM_TEAMPROJECT") ?? "", "_build/results"].join("/").split("/");
    u.pathname = `/${segments.filter((s) => s !== "").join("/")}`;
    u.search = new URLSearchParams([["buildId", buildId], ["j", env.SYSTEM_JOBID ?? ""], ["view", "logs"]]).toString();
    return u.toString();
  },
};
