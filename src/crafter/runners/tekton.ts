import { get, type Env, type RunnerSpec } from "./types.ts";

/**
 * Tekton. Chainloop reads the TaskRun's labels from the Kubernetes API; cairn makes no network
 * calls, so the TEKTON_* values are read from the environment only (map them in the Task with
 * `valueFrom.fieldRef`, e.g. metadata.labels['tekton.dev/taskRun'] and metadata.namespace).
 */
export const tektonPipeline: RunnerSpec = {
  type: "TEKTON_PIPELINE",
  detection: "the directory /tekton/results exists",
  detect: (_env, probe) => probe.tektonResults,
  required: ["TEKTON_TASKRUN_NAME", "TEKTON_NAMESPACE"],
  optional: [
    "HOSTNAME",
    "TEKTON_TASK_NAME",
    "TEKTON_PIPELINE_NAME",
    "TEKTON_PIPELINERUN_NAME",
    "TEKTON_PIPELINE_TASK_NAME",
  ],
  urlRule:
    "<TEKTON_DASHBOARD_URL>/#/namespaces/<ns>/pipelineruns/<name> (or taskruns/<name>); " +
    "without a dashboard tekton://<ns>/pipelineruns/<name> (or taskruns/<name>)",
  url(env) {
    const ns = get(env, "TEKTON_NAMESPACE");
    if (ns === undefined) return undefined;
    const pipelineRun = get(env, "TEKTON_PIPELINERUN_NAME");
    const taskRun = get(env, "TEKTON_TASKRUN_NAME") ?? taskRunFromHostname(env);
    // A PipelineRun link shows the whole pipeline, so it is preferred over the TaskRun's.
    let run: string;
    if (pipelineRun !== undefined) run = `pipelineruns/${pipelineRun}`;
    else if (taskRun !== undefined) run = `taskruns/${taskRun}`;
    else return undefined;
    const dashboard = get(env, "TEKTON_DASHBOARD_URL")?.replace(/\/+$/, "");
    return dashboard !== undefined ? `${dashboard}/#/namespaces/${ns}/${run}` : `tekton://${ns}/${run}`;
  },
};

/** Tekton names pods `<taskrun>-pod` or `<taskrun>-pod-retryN`; hashed long names can't be reversed. */
function taskRunFromHostname(env: Env): string | undefined {
  const host = get(env, "HOSTNAME");
  if (host === undefined) return undefined;
  const retry = host.indexOf("-pod-retry");
  if (retry > 0) return host.slice(0, retry);
  return host.endsWith("-pod") && host.length > 4 ? host.slice(0, -4) : undefined;
}
