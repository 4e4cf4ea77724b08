import { Command } from "commander";
import { contractCommand } from "./contract.ts";
import { runCommand } from "./run.ts";
import { workflowCommands } from "./workflow.ts";

/** `cairn workflow`: workflows, their contracts and their runs. */
export function workflowCommand(): Command {
  const cmd = new Command("workflow").description("workflows, their contracts, and their runs");
  for (const sub of workflowCommands()) cmd.addCommand(sub);
  return cmd.addCommand(contractCommand()).addCommand(runCommand());
}
