import { Command, Option } from "commander";
import { caSource, loadConfig, readEnv, type Config } from "../config.ts";
import { createAppContext, type AppContext } from "../context.ts";
import { CairnError } from "../errors.ts";
import { cliReporter, io, isTerminal } from "../cli/io.ts";
import type { ControlPlane } from "../remote/control-plane.ts";

export type OutputFormat = "table" | "json";

export function outputOption(): Option {
  return new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table");
}

/** Config from global flags (--home, --control-plane…) and the attestation group's --local-state-path. */
export function configFor(cmd: Command): Config {
  const o = cmd.optsWithGlobals() as { home?: string; database?: string; localStatePath?: string; controlPlane?: string; token?: string; controlPlaneCa?: string };
  const flags = { home: o.home, database: o.database, localStatePath: o.localStatePath, controlPlane: o.controlPlane, token: o.token, controlPlaneCa: o.controlPlaneCa };
  return loadConfig(readEnv(), flags, process.cwd(), isTerminal(2));
}

/** Opens the store for a command and closes it afterwards. */
export async function withApp<T>(cmd: Command, fn: (app: AppContext) => Promise<T> | T): Promise<T> {
  const config = configFor(cmd);
  const app = await createAppContext(config, { reporter: cliReporter(config.interactive) });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/**
 * The control plane a command works against: the `cairn serve` of --control-plane/--token (nothing local is opened),
 * else the local store, closed afterwards. Commands use only the ControlPlane, so both modes print the same.
 */
export async function withControlPlane<T>(cmd: Command, fn: (cp: ControlPlane) => Promise<T> | T): Promise<T> {
  const config = configFor(cmd);
  const reporter = cliReporter(config.interactive);
  let cp: ControlPlane;
  if (config.remote) {
    const { httpControlPlane } = await import("../remote/http-control-plane.ts");
    cp = httpControlPlane({ ...config, remote: config.remote }, reporter);
  } else {
    const { localControlPlane } = await import("../remote/local-control-plane.ts");
    cp = localControlPlane(await createAppContext(config, { reporter }));
  }
  try {
    return await fn(cp);
  } finally {
    cp.close();
  }
}

/** For commands that only make sense where the store is: USAGE under --control-plane, saying why. */
export function refuseRemote(cmd: Command, what: string, why: string): void {
  if (!configFor(cmd).remote) return;
  throw new CairnError("USAGE", `\`cairn ${what}\` does not work with --control-plane: ${why}`, {
    hint: "run it without --control-plane/--token (and unset CAIRN_CONTROL_PLANE/CAIRN_TOKEN), on the machine that holds the store",
  });
}

/** A repeatable option whose values are kept whole (paths may contain commas). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Repeatable `--annotation k=v` (also `k=v,k2=v2`, as Chainloop accepts). */
export function collectPairs(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").filter((s) => s !== "")];
}

export function toRecord(pairs: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new CairnError("USAGE", `${flag} ${JSON.stringify(p)} is not KEY=VALUE`, { hint: `write ${flag} name=value` });
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

export function print(format: OutputFormat, data: unknown, table: () => string): void {
  if (format === "json") io.json(data);
  else io.out(table());
}

/** `--limit N --next CURSOR` for list commands. */
export function addPageOptions(cmd: Command): Command {
  return cmd.option("--limit <n>", "items per page", (v) => Number(v), 50).option("--next <cursor>", "cursor printed by the previous page");
}

/** Prints the cursor of the next page (table output) so a person can ask for it. */
export function printNext(format: OutputFormat, next: string | undefined): void {
  if (format === "table" && next) io.err(`more: --next ${next}`);
}

/**
 * For commands that read a control plane's public routes (trusted root, transparency log): no token is needed or
 * sent, so the global remote settings are not loaded as a session. The local config, and --control-plane URL with
 * the TLS CA to reach it, when one is given.
 */
export async function publicControlPlane(cmd: Command): Promise<{ config: Config; url?: string; tls?: { ca: string } }> {
  const g = cmd.optsWithGlobals() as { home?: string; controlPlane?: string; controlPlaneCa?: string };
  const env = readEnv();
  const url = g.controlPlane ?? env.CAIRN_CONTROL_PLANE;
  const config = loadConfig({ ...env, CAIRN_CONTROL_PLANE: undefined, CAIRN_TOKEN: undefined, CAIRN_CONTROL_PLANE_CA: undefined }, { home: g.home }, process.cwd(), isTerminal(2));
  if (!url) return { config };
  if (!/^https?:\/\//.test(url)) throw new CairnError("USAGE", `--control-plane ${JSON.stringify(url)} is not an http(s) URL`);
  const ca = caSource(g.controlPlaneCa, env.CAIRN_CONTROL_PLANE_CA, config.cwd);
  const { caPem } = await import("../remote/tls.ts");
  return { config, url, ...(ca && { tls: { ca: caPem(ca) } }) };
}
