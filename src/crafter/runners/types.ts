/**
 * A CI runner = one RunnerSpec: how to recognise it from the environment, which variables it records
 * and how to link back to the run. Specs are pure data + pure functions over an env snapshot; the
 * caller passes `process.env` and the results of the few filesystem probes (Tekton's results dir).
 */
import type { RunnerType } from "../contract/types.ts";

/** An environment snapshot, e.g. `process.env`. Empty strings count as unset (as Chainloop's `os.Getenv(x) != ""`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Facts that need the filesystem, gathered by the caller. */
export interface RunnerProbe {
  /** The directory `/tekton/results` exists. */
  tektonResults: boolean;
}

export type CiRunnerType = Exclude<RunnerType, "RUNNER_TYPE_UNSPECIFIED">;

export interface RunnerSpec {
  readonly type: CiRunnerType;
  /** The detection rule in words, for docs. */
  readonly detection: string;
  detect(env: Env, probe: RunnerProbe): boolean;
  /** Recorded in the attestation; unset ones are reported in RunnerContext.missing. */
  readonly required: readonly string[];
  /** Recorded when set. */
  readonly optional: readonly string[];
  /** How the run URL is built, in words, for docs. */
  readonly urlRule: string;
  /** Link to this run, when the environment has what it takes. */
  url(env: Env): string | undefined;
}

/** The outcome of detection. */
export interface RunnerContext {
  type: RunnerType;
  url?: string;
  /** The runner's required and optional variables that are set, in spec order. */
  env: Record<string, string>;
  /** Required variables that are not set (the caller decides whether that is fatal). */
  missing: string[];
}

/** Set and non-empty. */
export function isSet(env: Env, name: string): boolean {
  const v = env[name];
  return typeof v === "string" && v !== "";
}

/** The value when set and non-empty. */
export function get(env: Env, name: string): string | undefined {
  return isSet(env, name) ? env[name] : undefined;
}
