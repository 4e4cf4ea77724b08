import { Command } from "commander";
import { display } from "../../cli/io.ts";
import { attestationStatus } from "../../services/crafting/status.ts";
import { outputOption, print, type OutputFormat } from "../shared.ts";
import { attestationIdOption, withCrafting } from "./remote.ts";
import { chooseSigning, describeSigning } from "./signing.ts";
import type { Config } from "../../config.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { statusSummary } from "../../cli/summary.ts";
import { summaryOption, summaryWriter } from "./summary.ts";

export function statusCommand(): Command {
  return new Command("status")
    .description("show the attestation in progress: workflow, contract and which materials are set")
    .option("--full", "also show recorded values, digests, env variables and git HEAD", false)
    .addOption(summaryOption())
    .addOption(attestationIdOption())
    .addOption(outputOption())
    .action(async (opts: { summary?: string; output: OutputFormat }, cmd: Command) => {
      await withCrafting(cmd, async ({ deps }) => {
        const view = { ...(await attestationStatus(deps)), signing: signingLine(deps.config) };
        summaryWriter(opts.summary, deps, statusSummary)?.(view);
        const { renderStatus } = await import("../../cli/render-status.ts");
        print(opts.output, view, () => renderStatus(view, display.full));
      });
    });
}

/** How a push with no signing flags would sign here (flags of push itself can still change it). */
function signingLine(config: Config): string {
  try {
    return describeSigning(chooseSigning({}, config));
  } catch {
    return existsSync(join(config.home, "ca")) ? "none by default: push with --key, or --keyless (the home has a CA)" : "none by default: push with --key (or `cairn ca init` and --keyless)";
  }
}
