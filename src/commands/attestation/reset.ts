import { Command, Option } from "commander";
import { io } from "../../cli/io.ts";
import { outputOption, print, type OutputFormat } from "../shared.ts";
import { attestationIdOption, withCrafting } from "./remote.ts";

export function resetCommand(): Command {
  return new Command("reset")
    .description("abandon the attestation in progress, marking its run failed or cancelled")
    .addOption(new Option("--trigger <trigger>", "why it stops").choices(["failure", "cancellation"]).default("failure"))
    .option("--reason <text>", "free-text reason recorded on the run")
    .addOption(attestationIdOption())
    .addOption(outputOption())
    .action(async (opts: { trigger: "failure" | "cancellation"; reason?: string; output: OutputFormat }, cmd: Command) => {
      await withCrafting(cmd, async (c) => {
        const input = { trigger: opts.trigger, reason: opts.reason };
        const r =
          c.mode === "local"
            ? await (await import("../../services/crafting/reset.ts")).resetAttestation(c.deps, input)
            : await (await import("../../services/crafting/remote.ts")).resetRemoteCrafting(c.deps, c.controlPlane, input);
        print(opts.output, r, () => `Attestation reset; workflow run ${r.runId ?? "(dry-run)"} marked ${r.state}`);
        if (opts.output === "table") io.info("state cleared");
      });
    });
}
