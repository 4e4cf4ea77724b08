import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { CairnError } from "./errors.ts";
import { parseDatabaseUrl, type DatabaseUrl } from "./store/pg/url.ts";

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
  /** An initialized run older than this becomes expired (CAIRN_RUN_TTL, e.g. "90m", "2h"; default 1h). */
  runTtlMs: number;
  /** A `cairn serve` to work against (--control-plane/CAIRN_CONTROL_PLANE with --token/CAIRN_TOKEN); absent: local. */
  remote?: RemoteConfig;
  /**
   * The control plane's database when it is not the home's SQLite file: PostgreSQL (--database/CAIRN_DATABASE_URL),
   * shared by the `cairn serve` replicas and the commands run beside them. The home keeps the local CAS and keys.
   */
  database?: DatabaseUrl;
}

export interface RemoteConfig {
  /** Base URL without a trailing slash, e.g. http://cairn.internal:8080 */
  url: string;
  token: string;
  /** A private CA to trust for an https control plane (--control-plane-ca/CAIRN_CONTROL_PLANE_CA). */
  ca?: CaSource;
}

/** Inline PEM, or a file that the client reads when it starts (src/remote/tls.ts), so config stays pure. */
export type CaSource = { from: "--control-plane-ca" | "CAIRN_CONTROL_PLANE_CA" } & ({ pem: string } | { path: string });

export interface ConfigFlags {
  home?: string;
  database?: string;
  localStatePath?: string;
  controlPlane?: string;
  token?: string;
  controlPlaneCa?: string;
}

export function readEnv(): Env {
  return { ...process.env };
}

/** Pure: flags beat environment variables beat defaults. */
export function loadConfig(env: Env, flags: ConfigFlags, cwd: string, interactive: boolean): Config {
  const home = resolve(cwd, flags.home ?? env.CAIRN_HOME ?? join(env.HOME ?? homedir(), ".cairn"));
  const statePath = resolve(cwd, flags.localStatePath ?? env.CAIRN_STATE_PATH ?? join(home, "attestation.state.json"));
  const runTtlMs = parseDuration(env.CAIRN_RUN_TTL ?? "1h", "CAIRN_RUN_TTL");
  const ca = caSource(flags.controlPlaneCa, env.CAIRN_CONTROL_PLANE_CA, cwd);
  const remote = remoteConfig(flags.controlPlane ?? env.CAIRN_CONTROL_PLANE, flags.token ?? env.CAIRN_TOKEN, ca);
  const databaseText = flags.database ?? (env.CAIRN_DATABASE_URL?.trim() ? env.CAIRN_DATABASE_URL : undefined);
  const database = databaseText === undefined ? undefined : parseDatabaseUrl(databaseText);
  return { home, statePath, organization: env.CAIRN_ORG || "default", env, cwd, interactive, runTtlMs, ...(remote && { remote }), ...(database && { database }) };
}

/** --control-plane-ca beats CAIRN_CONTROL_PLANE_CA (an empty variable is unset): PEM text if it holds a PEM block, else a path. */
export function caSource(flag: string | undefined, env: string | undefined, cwd: string): CaSource | undefined {
  const from = flag !== undefined ? "--control-plane-ca" : "CAIRN_CONTROL_PLANE_CA";
  const value = flag ?? (env?.trim() ? env : undefined);
  if (value === undefined) return undefined;
  if (!value.trim()) throw new CairnError("USAGE", `${from} is empty`, { hint: "give a PEM file of the CA that issued the control plane's certificate" });
  return value.includes("-----BEGIN") ? { from, pem: value } : { from, path: resolve(cwd, value.trim()) };
}

/**
 * Both or neither: a control plane needs a token, and a token alone names no server. Only http(s) URLs; a CA only
 * with an https one (with http:// it would be ignored while the token crosses the network in clear text).
 */
export function remoteConfig(url: string | undefined, token: string | undefined, ca?: CaSource): RemoteConfig | undefined {
  if (!url && !token && ca) throw new CairnError("USAGE", `${ca.from} is set but no control plane is`, { hint: "add --control-plane https://… (CAIRN_CONTROL_PLANE) with --token, or drop the CA to work locally" });
  if (!url && !token) return undefined;
  if (!url) throw new CairnError("USAGE", "--token (CAIRN_TOKEN) is set but no control plane is", { hint: "add --control-plane URL (CAIRN_CONTROL_PLANE), or unset the token to work locally" });
  if (!token) throw new CairnError("USAGE", `--control-plane ${url} needs an API token`, { hint: "pass --token T or set CAIRN_TOKEN (create one with `cairn org api-token create`)" });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CairnError("USAGE", `--control-plane ${JSON.stringify(url)} is not a URL`, { hint: "e.g. --control-plane http://127.0.0.1:8080" });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new CairnError("USAGE", `--control-plane ${url}: only http and https are supported`, { hint: "e.g. --control-plane https://cairn.internal" });
  }
  if (ca && parsed.protocol === "http:") {
    throw new CairnError("USAGE", `${ca.from} is set but --control-plane ${url} is plain http: the CA would not be used`, {
      hint: `use the https:// address of the control plane, or drop ${ca.from}`,
    });
  }
  return { url: parsed.origin + parsed.pathname.replace(/\/+$/, ""), token, ...(ca && { ca }) };
}

/**
 * The organization commands work in: CAIRN_ORG, else the stored `org set` choice, else "default".
 * Pure: the composition root reads the setting from the store and passes it in.
 */
export function withCurrentOrg(config: Config, stored: string | undefined): Config {
  if (config.env.CAIRN_ORG || !stored) return config;
  return { ...config, organization: stored };
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "15m", "2h", "7d" → milliseconds. Used for every duration flag and setting. */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new CairnError("USAGE", `${what} ${JSON.stringify(text)} is not a duration`, { hint: "write a number and a unit: 90s, 15m, 2h, 7d" });
  return Number(m[1]) * UNITS[m[2]!]!;
}
