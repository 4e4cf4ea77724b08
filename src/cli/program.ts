import { Command } from "commander";
import { VERSION } from "../version.ts";
import { configureDisplay, io, writeAll } from "./io.ts";
import { reachable } from "./reachable.ts";

/** Options every command accepts, before or after the subcommand. */
const GLOBAL_OPTIONS: [string, string][] = [
  ["--home <dir>", "cairn home: store database and CAS (env CAIRN_HOME, default ~/.cairn)"],
  ["--database <url>", "the control plane's database: postgres://… instead of the home's SQLite file, for `cairn serve` replicas and the commands run beside them (env CAIRN_DATABASE_URL)"],
  ["--control-plane <url>", "work against a `cairn serve` instead of the local store (env CAIRN_CONTROL_PLANE)"],
  ["--token <token>", "API token for --control-plane (env CAIRN_TOKEN)"],
  ["--control-plane-ca <file>", "CA certificate (PEM file, or PEM text) to trust for an https --control-plane (env CAIRN_CONTROL_PLANE_CA)"],
  ["--full", "full digests and values in tables and reports, nothing cut to the terminal width (env COLUMNS sets the width)"],
];

/** A top-level command: the names argv may call it by, and the module that defines it (given the arguments after it). */
export interface CommandEntry {
  names: readonly string[];
  load(rest: readonly string[]): Promise<Command>;
}

/**
 * The top-level commands, in help order. A command's module (and what it imports) is loaded only when argv may run
 * it, so `att add` does not pay for the server, the verifier or the policy engine (bench/lifecycle.ts).
 */
export const COMMANDS: readonly CommandEntry[] = [
  { names: ["attestation", "att"], load: async (rest) => (await import("../commands/attestation/index.ts")).attestationCommand(rest) },
  { names: ["keys"], load: async () => (await import("../commands/keys.ts")).keysCommand() },
  { names: ["check"], load: async () => (await import("../commands/check.ts")).checkCommand() },
  { names: ["materials"], load: async () => (await import("../commands/materials.ts")).materialsCommand() },
  { names: ["discover"], load: async () => (await import("../commands/discover.ts")).discoverCommand() },
  { names: ["artifact"], load: async () => (await import("../commands/artifact.ts")).artifactCommand() },
  { names: ["org", "organization"], load: async () => (await import("../commands/org.ts")).orgCommand() },
  { names: ["store"], load: async () => (await import("../commands/store.ts")).storeCommand() },
  { names: ["workflow"], load: async () => (await import("../commands/workflow/index.ts")).workflowCommand() },
  { names: ["apply"], load: async () => (await import("../commands/apply.ts")).applyCommand() },
  { names: ["serve"], load: async () => (await import("../commands/serve.ts")).serveCommand() },
  { names: ["policy"], load: async () => (await import("../commands/policy.ts")).policyCommand() },
  { names: ["export"], load: async () => (await import("../commands/export.ts")).exportCommand() },
  { names: ["import"], load: async () => (await import("../commands/import.ts")).importCommand() },
  { names: ["cas-backend"], load: async () => (await import("../commands/cas-backend.ts")).casBackendCommand() },
  { names: ["audit"], load: async () => (await import("../commands/audit.ts")).auditCommand() },
  { names: ["trust-root"], load: async () => (await import("../commands/trust-root.ts")).trustRootCommand() },
  { names: ["ca"], load: async () => (await import("../commands/ca.ts")).caCommand() },
  { names: ["log"], load: async () => (await import("../commands/log.ts")).logCommand() },
  { names: ["verify"], load: async () => (await import("../commands/verify.ts")).verifyCommand() },
  { names: ["version"], load: async () => (await import("../commands/version.ts")).versionCommand() },
];

/** Root options that take a value (`--home DIR`): their value is not the subcommand. */
const VALUE_OPTIONS = new Set(GLOBAL_OPTIONS.filter(([flag]) => flag.includes("<")).map(([flag]) => flag.split(" ")[0]!));

/**
 * The commands argv can reach, and the arguments after the one it names: that one; none for `--version`; all
 * otherwise (help, `help CMD`, no or an unknown command: commander lists them and suggests the nearest name).
 */
export function commandsFor(args: readonly string[]): { entries: readonly CommandEntry[]; rest: readonly string[] } {
  const found = reachable(args, COMMANDS, VALUE_OPTIONS);
  if (found.entries.length === 1) return found;
  const version = args.includes("-v") || args.includes("--version");
  return version && !args.includes("-h") && !args.includes("--help") ? { entries: [], rest: [] } : found;
}

/**
 * The command tree for argv's user arguments (process.argv without the runtime and script). Commands are thin:
 * parse flags, call one service, render the result.
 */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command("cairn")
    .description("Software supply-chain attestations: contracts, signed in-toto statements, an embedded control plane. Offline by default.")
    .version(VERSION, "-v, --version")
    // Root options only before the subcommand, so `att init --version v1.2.0` is the project version, not cairn's.
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeErr: (s) => io.err(s.trimEnd()), writeOut: (s) => writeAll(1, s) })
    .exitOverride();
  const { entries, rest } = commandsFor(args);
  for (const cmd of await Promise.all(entries.map((c) => c.load(rest)))) program.addCommand(cmd);
  for (const [flag, help] of GLOBAL_OPTIONS) program.option(flag, help);
  // commander only applies exitOverride/configureOutput to subcommands created after; propagate to all.
  // Global options are accepted after the subcommand too: every leaf command declares them.
  const walk = (c: Command) => {
    c.exitOverride().configureOutput({ writeErr: (s) => io.err(s.trimEnd()), writeOut: (s) => writeAll(1, s) });
    // a command's own option of the same name (`att status --full`) stays, with its own help
    if (c.commands.length === 0) for (const [flag, help] of GLOBAL_OPTIONS) if (!c.options.some((o) => o.long === flag.split(" ")[0])) c.option(flag, help);
    c.commands.forEach(walk);
  };
  program.commands.forEach(walk);
  // The output width and --full are read once, here at the edge, never inside commands.
  program.hook("preAction", (_root, action) => {
    configureDisplay(action.optsWithGlobals().full === true);
  });
  return program;
}
