import { Command, Option } from "commander";
import { io } from "../../cli/io.ts";
import { resetAttestation } from "../../services/crafting/reset.ts";
import { outputOption, print, withApp, type OutputFormat } from "../shared.ts";

export function resetCommand(): Command {
  return new Command("reset")
    .description("abandon the attestation in progress, marking its run failed or cancelled")
    .addOption(new Option("--trigger <trigger>", "why it stops").choices(["failure", "cancellation"]).default("failure"))
    .option("--reason <text>", "free-text reason recorded on the run")
    .addOption(outputOption())
    .action(async (opts: { trigger: "failure" | "cancellation"; reason?: string; output: OutputFormat }, cmd: Command) => {
      await withApp(cmd, (app) => {
        const r = resetAttestation(app, { trigger: opts.trigger, reason: opts.reason });
        print(opts.output, r, () => `Attestation reset; workflow run ${r.runId ?? "(dry-run)"} marked ${r.state}`);
        if (opts.output === "table") io.info("state cleared");
      });
    });
}
