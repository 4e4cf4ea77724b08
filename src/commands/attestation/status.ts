import { Command } from "commander";
import { renderStatus } from "../../cli/render-status.ts";
import { attestationStatus } from "../../services/crafting/status.ts";
import { outputOption, print, type OutputFormat } from "../shared.ts";
import { attestationIdOption, withCrafting } from "./remote.ts";

export function statusCommand(): Command {
  return new Command("status")
    .description("show the attestation in progress: workflow, contract and which materials are set")
    .option("--full", "also show recorded values, digests, env variables and git HEAD", false)
    .addOption(attestationIdOption())
    .addOption(outputOption())
    .action(async (opts: { full: boolean; output: OutputFormat }, cmd: Command) => {
      await withCrafting(cmd, async ({ deps }) => {
        const view = await attestationStatus(deps);
        print(opts.output, view, () => renderStatus(view, opts.full));
      });
    });
}
