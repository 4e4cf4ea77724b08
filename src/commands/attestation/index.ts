import { Command } from "commander";
import { addCommand } from "./add.ts";
import { initCommand } from "./init.ts";
import { pushCommand } from "./push.ts";
import { resetCommand } from "./reset.ts";
import { statusCommand } from "./status.ts";
import { verifyCommand } from "./verify.ts";

export function attestationCommand(): Command {
  return new Command("attestation")
    .alias("att")
    .description("craft an attestation: init, add materials, status, push (sign and store), reset; verify bundles")
    .option("--local-state-path <file>", "crafting state file (env CAIRN_STATE_PATH; default $CAIRN_HOME/attestation.state.json)")
    .addCommand(initCommand())
    .addCommand(addCommand())
    .addCommand(statusCommand())
    .addCommand(pushCommand())
    .addCommand(resetCommand())
    .addCommand(verifyCommand());
}
