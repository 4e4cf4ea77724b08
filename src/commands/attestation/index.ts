import { Command } from "commander";
import { reachable } from "../../cli/reachable.ts";
import { addCommand } from "./add.ts";
import { initCommand } from "./init.ts";
import { pushCommand } from "./push.ts";
import { resetCommand } from "./reset.ts";
import { statusCommand } from "./status.ts";
import { verifyCommand } from "./verify.ts";

/** The group's subcommands in help order; only the one argv names is built (commander options are not free). */
const SUBCOMMANDS = [
  { names: ["init"], make: initCommand },
  { names: ["add"], make: addCommand },
  { names: ["status"], make: statusCommand },
  { names: ["push"], make: pushCommand },
  { names: ["reset"], make: resetCommand },
  { names: ["verify"], make: verifyCommand },
];

/** `rest`: the arguments after `attestation`; without them (or naming no subcommand) every subcommand is built. */
export function attestationCommand(rest: readonly string[] = []): Command {
  const group = new Command("attestation")
    .alias("att")
    .description("craft an attestation: init, add materials, status, push (sign and store), reset; verify bundles")
    .option("--local-state-path <file>", "crafting state file (env CAIRN_STATE_PATH; default $CAIRN_HOME/attestation.state.json)");
  for (const sub of reachable(rest, SUBCOMMANDS, new Set(["--local-state-path"])).entries) group.addCommand(sub.make());
  return group;
}
