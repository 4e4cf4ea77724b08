import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The only place that reads process.env. Everything else receives a Config or an env map. */
export type Env = Record<string, string | undefined>;

export interface Config {
  home: string;
  /** Local crafting state file. */
  statePath: string;
  organization: string;
  /** Process environment, handed to runner detection and env allow-listing. */
  env: Env;
  cwd: string;
  /** Whether stderr is a terminal (progress bars, password prompt). */
  interactive: boolean;
}

export interface ConfigFlags {
  home?: string;
  localStatePath?: string;
}

export function readEnv(): Env {
  return { ...process.env };
}

/** Pure: flags beat environment variables beat defaults. */
export function loadConfig(env: Env, flags: ConfigFlags, cwd: string, interactive: boolean): Config {
  const home = resolve(cwd, flags.home ?? env.CAIRN_HOME ?? join(env.HOME ?? homedir(), ".cairn"));
  const statePath = resolve(cwd, flags.localStatePath ?? env.CAIRN_STATE_PATH ?? join(home, "attestation.state.json"));
  return { home, statePath, organization: env.CAIRN_ORG ?? "default", env, cwd, interactive };
}
