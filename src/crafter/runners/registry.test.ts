import { describe, expect, test } from "bun:test";
import { RUNNER_TYPES, type RunnerType } from "../contract/types.ts";
import { contextFor, detectRunner, RUNNERS, runnerDocs } from "./registry.ts";
import type { Env, RunnerContext } from "./types.ts";

const NO_PROBE = { tektonResults: false };

/** The smallest environment each runner is detected from. */
const MINIMAL: Record<string, Env> = {
  GITHUB_ACTION: { CI: "true", GITHUB_REPOSITORY: "acme/api", GITHUB_RUN_ID: "42" },
  GITLAB_PIPELINE: { GITLAB_CI: "true", CI_JOB_URL: "https://gitlab.example/acme/api/-/jobs/7" },
  AZURE_PIPELINE: { TF_BUILD: "True", BUILD_BUILDURI: "vstfs:///Build/Build/9" },
  JENKINS_JOB: { JENKINS_HOME: "/var/jenkins", BUILD_URL: "https://ci.example/job/api/5/" },
  CIRCLECI_BUILD: { CI: "true", CIRCLECI: "true" },
  DAGGER_PIPELINE: { CHAINLOOP_DAGGER_CLIENT: "v0.9" },
  TEAMCITY_PIPELINE: { TEAMCITY_PROJECT_NAME: "api" },
};

describe("detectRunner", () => {
  test("RUNNERS covers every runner type once, Dagger first and Tekton last", () => {
    expect(RUNNERS.map((r) => r.type).sort()).toEqual([...RUNNER_TYPES].sort());
    expect(RUNNERS.map((r) => r.type)).toEqual([
      "DAGGER_PIPELINE", "GITHUB_ACTION", "GITLAB_PIPELINE", "AZURE_PIPELINE",
      "JENKINS_JOB", "CIRCLECI_BUILD", "TEAMCITY_PIPELINE", "TEKTON_PIPELINE",
    ]);
  });

  test.each(Object.entries(MINIMAL))("%s from a minimal env", (type, env) => {
    expect(detectRunner(env, NO_PROBE).type).toBe(type as RunnerType);
  });

  test("TEKTON_PIPELINE from the results-dir probe alone", () => {
    expect(detectRunner({}, { tektonResults: true }).type).toBe("TEKTON_PIPELINE");
  });

  test("generic fallback: nothing set, empty values, near misses", () => {
    const generic: RunnerContext = { type: "RUNNER_TYPE_UNSPECIFIED", env: {}, missing: [] };
    expect(detectRunner({}, NO_PROBE)).toEqual(generic);
    expect(detectRunner({ CI: "true", HOME: "/root", PATH: "/bin" }, NO_PROBE)).toEqual(generic);
    expect(detectRunner({ CI: "", GITHUB_REPOSITORY: "a/b", GITHUB_RUN_ID: "1" }, NO_PROBE).type).toBe("RUNNER_TYPE_UNSPECIFIED");
    expect(detectRunner({ CI: "1", CIRCLECI: "true" }, NO_PROBE).type).toBe("RUNNER_TYPE_UNSPECIFIED");
    expect(detectRunner({ GITLAB_CI: "true" }, NO_PROBE).type).toBe("RUNNER_TYPE_UNSPECIFIED");
    expect(detectRunner({ BUILD_URL: "https://x/1" }, NO_PROBE).type).toBe("RUNNER_TYPE_UNSPECIFIED");
    expect(detectRunner({ CHAINLOOP_DAGGER_CLIENT: "" }, NO_PROBE).type).toBe("RUNNER_TYPE_UNSPECIFIED");
  });

  test("precedence: Dagger wins over the CI it runs in", () => {
    const env = { ...MINIMAL.GITHUB_ACTION, ...MINIMAL.GITLAB_PIPELINE, CAIRN_DAGGER_CLIENT: "1" };
    expect(detectRunner(env, NO_PROBE).type).toBe("DAGGER_PIPELINE");
  });

  test("precedence: any CI variable wins over the Tekton probe; GitHub over CircleCI", () => {
    expect(detectRunner(MINIMAL.JENKINS_JOB!, { tektonResults: true }).type).toBe("JENKINS_JOB");
    expect(detectRunner({ ...MINIMAL.GITHUB_ACTION, CIRCLECI: "true" }, NO_PROBE).type).toBe("GITHUB_ACTION");
    expect(detectRunner({ ...MINIMAL.JENKINS_JOB, ...MINIMAL.TEAMCITY_PIPELINE }, NO_PROBE).type).toBe("JENKINS_JOB");
  });

  test("detection is deterministic", () => {
    const env = { ...MINIMAL.GITHUB_ACTION, ...MINIMAL.GITLAB_PIPELINE, ...MINIMAL.AZURE_PIPELINE };
    const first = detectRunner(env, NO_PROBE);
    for (let i = 0; i < 5; i++) expect(detectRunner({ ...env }, NO_PROBE)).toEqual(first);
    expect(first.type).toBe("GITHUB_ACTION");
  });
});

describe("collected env and missing vars", () => {
  test("GitHub: required missing reported, optional collected only when set, unrelated vars ignored", () => {
    const ctx = detectRunner({ ...MINIMAL.GITHUB_ACTION, GITHUB_SHA: "abc", GITHUB_HEAD_REF: "feat", GITHUB_BASE_REF: "", SECRET: "x" }, NO_PROBE);
    expect(ctx.env).toEqual({ GITHUB_REPOSITORY: "acme/api", GITHUB_RUN_ID: "42", GITHUB_SHA: "abc", GITHUB_HEAD_REF: "feat" });
    expect(ctx.missing).toEqual(["GITHUB_ACTOR", "GITHUB_REF", "GITHUB_REPOSITORY_OWNER", "RUNNER_NAME", "RUNNER_OS"]);
  });

  test("GitHub and GitLab record the variables SLSA provenance needs, never reported missing", () => {
    const gh = {
      CI: "true", GITHUB_REPOSITORY: "acme/api", GITHUB_RUN_ID: "42", GITHUB_WORKFLOW_REF: "acme/api/.github/workflows/release.yml@refs/heads/main", GITHUB_RUN_ATTEMPT: "2",
      GITHUB_REPOSITORY_ID: "1296269", GITHUB_REPOSITORY_OWNER_ID: "583231", RUNNER_ENVIRONMENT: "github-hosted",
    };
    const ghCtx = detectRunner(gh, NO_PROBE);
    const { CI: _detectOnly, ...ghRecorded } = gh;
    expect(ghCtx.env).toEqual(ghRecorded);
    expect(ghCtx.missing).not.toContain("GITHUB_WORKFLOW_REF");
    const gl = { GITLAB_CI: "true", CI_JOB_URL: "https://gitlab.example/acme/api/-/jobs/7", CI_JOB_ID: "7", CI_JOB_NAME: "build", CI_RUNNER_ID: "33", CI_RUNNER_EXECUTABLE_ARCH: "linux/amd64" };
    const glCtx = detectRunner(gl, NO_PROBE);
    const { GITLAB_CI: _ci, ...recorded } = gl;
    expect(glCtx.env).toEqual(recorded);
    expect(glCtx.missing).not.toContain("CI_RUNNER_ID");
  });

  test("a complete Jenkins env has nothing missing", () => {
    const env = { ...MINIMAL.JENKINS_JOB, JOB_NAME: "api", WORKSPACE: "/w", NODE_NAME: "n1", GIT_COMMIT: "abc" };
    const ctx = detectRunner(env, NO_PROBE);
    expect(ctx.missing).toEqual([]);
    expect(ctx.env).toEqual({ JOB_NAME: "api", BUILD_URL: "https://ci.example/job/api/5/", WORKSPACE: "/w", NODE_NAME: "n1", GIT_COMMIT: "abc" });
  });

  test("Dagger: either client variable; none reported missing", () => {
    const ctx = detectRunner({ CAIRN_DAGGER_CLIENT: "1", GITHUB_EVENT_NAME: "pull_request" }, NO_PROBE);
    expect(ctx).toEqual({ type: "DAGGER_PIPELINE", env: { CAIRN_DAGGER_CLIENT: "1", GITHUB_EVENT_NAME: "pull_request" }, missing: [] });
  });

  test("Tekton offline: TEKTON_* only from env; required ones missing otherwise", () => {
    expect(detectRunner({}, { tektonResults: true }).missing).toEqual(["TEKTON_TASKRUN_NAME", "TEKTON_NAMESPACE"]);
    const ctx = detectRunner({ TEKTON_TASKRUN_NAME: "build-x", TEKTON_NAMESPACE: "ci", HOSTNAME: "build-x-pod" }, { tektonResults: true });
    expect(ctx.missing).toEqual([]);
    expect(ctx.env).toEqual({ TEKTON_TASKRUN_NAME: "build-x", TEKTON_NAMESPACE: "ci", HOSTNAME: "build-x-pod" });
  });
});

describe("run URLs", () => {
  const url = (type: string, env: Env) => contextFor(RUNNERS.find((r) => r.type === type)!, env).url;

  test("GitHub: github.com by default, GITHUB_SERVER_URL when set", () => {
    expect(detectRunner(MINIMAL.GITHUB_ACTION!, NO_PROBE).url).toBe("https://github.com/acme/api/actions/runs/42");
    expect(url("GITHUB_ACTION", { ...MINIMAL.GITHUB_ACTION, GITHUB_SERVER_URL: "https://ghe.example/" })).toBe(
      "https://ghe.example/acme/api/actions/runs/42",
    );
  });

  test("GitLab, Jenkins, CircleCI, TeamCity use their build URL variable", () => {
    expect(detectRunner(MINIMAL.GITLAB_PIPELINE!, NO_PROBE).url).toBe("https://gitlab.example/acme/api/-/jobs/7");
    expect(detectRunner(MINIMAL.JENKINS_JOB!, NO_PROBE).url).toBe("https://ci.example/job/api/5/");
    expect(url("CIRCLECI_BUILD", { CIRCLE_BUILD_URL: "https://circleci.com/gh/acme/api/3" })).toBe("https://circleci.com/gh/acme/api/3");
    expect(url("TEAMCITY_PIPELINE", { BUILD_URL: "https://tc/build/1" })).toBe("https://tc/build/1");
    expect(detectRunner(MINIMAL.TEAMCITY_PIPELINE!, NO_PROBE).url).toBeUndefined();
  });

  test("Azure: server/project/_build/results with sorted query", () => {
    const env = {
      ...MINIMAL.AZURE_PIPELINE,
      SYSTEM_TEAMFOUNDATIONSERVERURI: "https://dev.azure.com/acme/",
      SYSTEM_TEAMPROJECT: "My Project",
      BUILD_BUILDID: "123",
      SYSTEM_JOBID: "j-1",
    };
    expect(detectRunner(env, NO_PROBE).url).toBe("https://dev.azure.com/acme/My%20Project/_build/results?buildId=123&j=j-1&view=logs");
    expect(url("AZURE_PIPELINE", { BUILD_BUILDID: "1" })).toBeUndefined();
    expect(url("AZURE_PIPELINE", { SYSTEM_TEAMFOUNDATIONSERVERURI: "not a url", BUILD_BUILDID: "1" })).toBeUndefined();
  });

  test("Tekton: dashboard link or tekton:// identifier; PipelineRun preferred; TaskRun from HOSTNAME", () => {
    const base = { TEKTON_NAMESPACE: "ci", TEKTON_TASKRUN_NAME: "tr" };
    expect(url("TEKTON_PIPELINE", base)).toBe("tekton://ci/taskruns/tr");
    expect(url("TEKTON_PIPELINE", { ...base, TEKTON_PIPELINERUN_NAME: "pr" })).toBe("tekton://ci/pipelineruns/pr");
    expect(url("TEKTON_PIPELINE", { ...base, TEKTON_DASHBOARD_URL: "https://dash/" })).toBe("https://dash/#/namespaces/ci/taskruns/tr");
    expect(url("TEKTON_PIPELINE", { TEKTON_NAMESPACE: "ci", HOSTNAME: "build-7-pod-retry2" })).toBe("tekton://ci/taskruns/build-7");
    expect(url("TEKTON_PIPELINE", { TEKTON_NAMESPACE: "ci", HOSTNAME: "build-7-pod" })).toBe("tekton://ci/taskruns/build-7");
    expect(url("TEKTON_PIPELINE", { TEKTON_NAMESPACE: "ci", HOSTNAME: "abc123" })).toBeUndefined();
    expect(url("TEKTON_PIPELINE", { TEKTON_TASKRUN_NAME: "tr" })).toBeUndefined();
  });

  test("Dagger and generic have no URL", () => {
    expect("url" in detectRunner(MINIMAL.DAGGER_PIPELINE!, NO_PROBE)).toBe(false);
    expect("url" in detectRunner({}, NO_PROBE)).toBe(false);
  });
});

describe("runnerDocs", () => {
  test("one entry per runner in detection order, then the generic fallback", () => {
    const docs = runnerDocs();
    expect(docs.map((d) => d.type)).toEqual([...RUNNERS.map((r) => r.type), "RUNNER_TYPE_UNSPECIFIED"]);
    const gh = docs.find((d) => d.type === "GITHUB_ACTION")!;
    expect(gh.detection).toBe("CI, GITHUB_REPOSITORY and GITHUB_RUN_ID are all set");
    expect(gh.required).toContain("GITHUB_SHA");
    expect(gh.optional).toContain("GITHUB_EVENT_PATH");
    for (const d of docs) {
      expect(d.detection.length).toBeGreaterThan(0);
      expect(d.url.length).toBeGreaterThan(0);
      expect(d.required.filter((v) => d.optional.includes(v))).toEqual([]);
    }
  });
});
