/**
 * Runner detection in ONE fixed order (Chainloop iterates a Go map, so its choice is random when
 * two runners match). First match wins; nothing matching = generic RUNNER_TYPE_UNSPECIFIED.
 *
 * Order and why:
 * 1. DAGGER_PIPELINE first, ahead of GitHub/GitLab. Its marker (CAIRN_/CHAINLOOP_DAGGER_CLIENT) is an
 *    explicit opt-in set by the Dagger module, while the module also forwards the host CI's variables
 *    (CI, GITHUB_*, CI_*) into its container. With GitHub first, a Dagger run inside GitHub Actions
 *    would be reported as GITHUB_ACTION and fail contracts that require DAGGER_PIPELINE. The explicit
 *    signal is the more specific one, so it wins.
 * 2. GITHUB_ACTION, GITLAB_PIPELINE, AZURE_PIPELINE, JENKINS_JOB, CIRCLECI_BUILD, TEAMCITY_PIPELINE:
 *    each keys on a variable only its own CI sets (GITHUB_RUN_ID, GITLAB_CI, TF_BUILD, JENKINS_HOME,
 *    CIRCLECI, TEAMCITY_PROJECT_NAME), so two of them only match together in contrived setups (one CI
 *    nested in another leaking its variables). Jenkins and TeamCity share BUILD_URL, never the deciding
 *    variable. Their relative order is the documented one; fixing it makes even those cases reproducible.
 * 3. TEKTON_PIPELINE last: its signal is a mounted directory rather than a variable set for this
 *    process, the weakest evidence, so any explicit CI variable takes precedence.
 */
import { azurePipeline } from "./azure.ts";
import { circleciBuild } from "./circleci.ts";
import { daggerPipeline } from "./dagger.ts";
import { githubAction } from "./github.ts";
import { gitlabPipeline } from "./gitlab.ts";
import { jenkinsJob } from "./jenkins.ts";
import { teamcityPipeline } from "./teamcity.ts";
import { tektonPipeline } from "./tekton.ts";
import type { RunnerType } from "../contract/types.ts";
import { get, type Env, type RunnerContext, type RunnerProbe, type RunnerSpec } from "./types.ts";

/** Every supported runner, in detection order. A new runner is one file plus one line here. */
export const RUNNERS: readonly RunnerSpec[] = [
  daggerPipeline,
  githubAction,
  gitlabPipeline,
  azurePipeline,
  jenkinsJob,
  circleciBuild,
  teamcityPipeline,
  tektonPipeline,
];

/** Detects the runner from an environment snapshot; deterministic for a given (env, probe). */
export function detectRunner(env: Env, probe: RunnerProbe): RunnerContext {
  const spec = RUNNERS.find((r) => r.detect(env, probe));
  return spec === undefined ? { type: "RUNNER_TYPE_UNSPECIFIED", env: {}, missing: [] } : contextFor(spec, env);
}

/** The context of a given runner spec (collected variables, missing required ones, URL). */
export function contextFor(spec: RunnerSpec, env: Env): RunnerContext {
  const collected: Record<string, string> = {};
  for (const name of [...spec.required, ...spec.optional]) {
    const v = get(env, name);
    if (v !== undefined) collected[name] = v;
  }
  const ctx: RunnerContext = {
    type: spec.type,
    env: collected,
    missing: spec.required.filter((n) => get(env, n) === undefined),
  };
  const url = spec.url(env);
  if (url !== undefined && url !== "") ctx.url = url;
  return ctx;
}

/** One runner, as documented by `runnerDocs`. */
export interface RunnerDoc {
  type: RunnerType;
  detection: string;
  required: string[];
  optional: string[];
  url: string;
}

/** Docs for every runner in detection order, then the generic fallback (for the generated CLI docs). */
export function runnerDocs(): RunnerDoc[] {
  const docs: RunnerDoc[] = RUNNERS.map((r) => ({
    type: r.type,
    detection: r.detection,
    required: [...r.required],
    optional: [...r.optional],
    url: r.urlRule,
  }));
  docs.push({
    type: "RUNNER_TYPE_UNSPECIFIED",
    detection: "no runner above matches",
    required: [],
    optional: [],
    url: "none",
  });
  return docs;
}
