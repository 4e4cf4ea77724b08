import { Command } from "commander";
import { runCommand } from "./run.ts";

/** `cairn workflow`: workflows, their contracts and their runs. */
export function workflowCommand(): Command {
  return new Command("workflow").description("workflows, their contracts, and their runs").addCommand(runCommand());
}
