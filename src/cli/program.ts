import { Command } from "commander";
import { applyCommand } from "../commands/apply.ts";
import { attestationCommand } from "../commands/attestation/index.ts";
import { artifactCommand } from "../commands/artifact.ts";
import { auditCommand } from "../commands/audit.ts";
import { caCommand } from "../commands/ca.ts";
import { logCommand } from "../commands/log.ts";
import { casBackendCommand } from "../commands/cas-backend.ts";
import { checkCommand } from "../commands/check.ts";
import { discoverCommand } from "../commands/discover.ts";
import { exportCommand } from "../commands/export.ts";
import { importCommand } from "../commands/import.ts";
import { keysCommand } from "../commands/keys.ts";
import { materialsCommand } from "../commands/materials.ts";
import { orgCommand } from "../commands/org.ts";
import { policyCommand } from "../commands/policy.ts";
import { serveCommand } from "../commands/serve.ts";
import { storeCommand } from "../commands/store.ts";
import { trustRootCommand } from "../commands/trust-root.ts";
import { verifyCommand } from "../commands/verify.ts";
import { versionCommand } from "../commands/version.ts";
import { workflowCommand } from "../commands/workflow/index.ts";
import { VERSION } from "../version.ts";
import { configureDisplay, io } from "./io.ts";

/** Options every command accepts, before or after the subcommand. */
const GLOBAL_OPTIONS: [string, string][] = [
  ["--home <dir>", "cairn home: store database and CAS (env CAIRN_HOME, default ~/.cairn)"],
  ["--control-plane <url>", "work against a `cairn serve` instead of the local store (env CAIRN_CONTROL_PLANE)"],
  ["--token <token>", "API token for --control-plane (env CAIRN_TOKEN)"],
  ["--control-plane-ca <file>", "CA certificate (PEM file, or PEM text) to trust for an https --control-plane (env CAIRN_CONTROL_PLANE_CA)"],
  ["--full", "full digests and values in tables and reports, nothing cut to the terminal width (env COLUMNS sets the width)"],
];

/** The command tree. Commands are thin: parse flags, call one service, render the result. */
export function buildProgram(): Command {
  const program = new Command("cairn")
    .description("Software supply-chain attestations: contracts, signed in-toto statements, an embedded control plane. Offline by default.")
    .version(VERSION, "-v, --version")
    // Root options only before the subcommand, so `att init --version v1.2.0` is the project version, not cairn's.
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeErr: (s) => io.err(s.trimEnd()), writeOut: (s) => process.stdout.write(s) })
    .exitOverride();
  for (const cmd of [attestationCommand(), keysCommand(), checkCommand(), materialsCommand(), discoverCommand(), artifactCommand(), orgCommand(), storeCommand(), workflowCommand(), applyCommand(), serveCommand(), policyCommand(), exportCommand(), importCommand(), casBackendCommand(), auditCommand(), trustRootCommand(), caCommand(), logCommand(), verifyCommand(), versionCommand()]) program.addCommand(cmd);
  for (const [flag, help] of GLOBAL_OPTIONS) program.option(flag, help);
  // commander only applies exitOverride/configureOutput to subcommands created after; propagate to all.
  // Global options are accepted after the subcommand too: every leaf command declares them.
  const walk = (c: Command) => {
    c.exitOverride().configureOutput({ writeErr: (s) => io.err(s.trimEnd()), writeOut: (s) => process.stdout.write(s) });
    // a command's own option of the same name (`att status --full`) stays, with its own help
    if (c.commands.length === 0) for (const [flag, help] of GLOBAL_OPTIONS) if (!c.options.some((o) => o.long === flag.split(" ")[0])) c.option(flag, help);
    c.commands.forEach(walk);
  };
  program.commands.forEach(walk);
  // The output width and --full are read once, here at the edge, never inside commands.
  program.hook("preAction", (_root, action) => {
    let full = false;
    for (let c: Command | null = action; c; c = c.parent) full ||= c.getOptionValue("full") === true;
    configureDisplay(full);
  });
  return program;
}
