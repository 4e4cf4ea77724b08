import { Command } from "commander";
import { io } from "../../cli/io.ts";
import { renderStatus } from "../../cli/render-status.ts";
import { statusView } from "../../services/crafting/status.ts";
import { outputOption, print, withApp, type OutputFormat } from "../shared.ts";

export function initCommand(): Command {
  return new Command("init")
    .description("start an attestation for a workflow run, checked against the workflow's contract")
    .requiredOption("--workflow <name>", "workflow name (created when missing)")
    .requiredOption("--project <name>", "project of the workflow (created when missing)")
    .option("--team <name>", "team owning the workflow (when it is created)")
    .option("--contract <file>", "contract file (YAML or JSON); a new revision is recorded when its content changed")
    .option("--dry-run", "check and craft, but store nothing and record no run; runner and env checks only warn", false)
    .option("-f, --replace", "discard an attestation already in progress", false)
    .addOption(outputOption())
    .action(async (opts: { workflow: string; project: string; team?: string; contract?: string; dryRun: boolean; replace: boolean; output: OutputFormat }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const { initAttestation } = await import("../../services/crafting/init.ts");
        const state = await initAttestation(app, {
          workflow: opts.workflow,
          project: opts.project,
          team: opts.team,
          contractPath: opts.contract,
          dryRun: opts.dryRun,
          replace: opts.replace,
        });
        if (opts.output === "table") io.info("Attestation initialized! now you can check its status or add materials to it");
        print(opts.output, statusView(state), () => renderStatus(statusView(state), false));
      });
    });
}
