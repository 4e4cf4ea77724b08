import { Command } from "commander";
import { io } from "../../cli/io.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import { statusView } from "../../services/crafting/status.ts";
import { outputOption, print, type OutputFormat } from "../shared.ts";
import { withCrafting } from "./remote.ts";

interface InitOpts {
  workflow: string;
  project: string;
  team?: string;
  contract?: string;
  contractRevision?: number;
  version?: string;
  release: boolean;
  dryRun: boolean;
  replace: boolean;
  remoteState: boolean;
  output: OutputFormat;
}

export function initCommand(): Command {
  return new Command("init")
    .description("start an attestation for a workflow run, checked against the workflow's contract")
    .requiredOption("--workflow <name>", "workflow name (created when missing)")
    .requiredOption("--project <name>", "project of the workflow (created when missing)")
    .option("--team <name>", "team owning the workflow (when it is created)")
    .option("--contract <name|file>", "a stored contract's name, or a contract file (a new revision is recorded when its content changed)")
    .option("--contract-revision <n>", "pin this revision of the contract instead of the latest (warns when a newer one exists)", (v) => Number(v))
    .option("--version <version>", "project version of this run, e.g. v1.2.0 (created when missing)")
    .option("--release", "mark the project version released when this attestation is pushed", false)
    .option("--dry-run", "check and craft, but store nothing and record no run; runner and env checks only warn", false)
    .option("-f, --replace", "discard an attestation already in progress", false)
    .option("--remote-state", "keep the crafting state on the control plane (needs --control-plane); add/status/push/reset then take --attestation-id", false)
    .addOption(outputOption())
    .action(async (opts: InitOpts, cmd: Command) => {
      await withCrafting(cmd, async (c) => {
        const input = {
          workflow: opts.workflow,
          project: opts.project,
          team: opts.team,
          contract: opts.contract,
          contractRevision: opts.contractRevision,
          version: opts.version,
          release: opts.release,
          dryRun: opts.dryRun,
          replace: opts.replace,
        };
        let state: CraftingState;
        if (c.mode === "local") {
          const { initAttestation } = await import("../../services/crafting/init.ts");
          state = await initAttestation(c.deps, input);
        } else {
          const { initRemote } = await import("../../services/crafting/remote.ts");
          state = await initRemote(c.deps, c.controlPlane, { ...input, remoteState: opts.remoteState });
        }
        if (opts.remoteState && opts.output === "table") {
          io.info(`attestation ${state.attestationId} is kept on the control plane: pass --attestation-id ${state.attestationId} (or CAIRN_ATTESTATION_ID) to add, status, push and reset`);
        }
        if (opts.output === "table") io.info("Attestation initialized! now you can check its status or add materials to it");
        // The status table names the contract's material kinds: loaded here, not for every `att` command.
        const { renderStatus } = await import("../../cli/render-status.ts");
        const view = statusView(state);
        print(opts.output, view, () => renderStatus(view, false));
      }, { init: { remoteState: opts.remoteState } });
    });
}
