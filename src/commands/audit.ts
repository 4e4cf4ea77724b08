import { Command, Option } from "commander";
import { renderTable } from "../cli/table.ts";
import type { AuditView } from "../services/control/audit.ts";
import { addPageOptions, outputOption, print, printNext, withControlPlane, type OutputFormat } from "./shared.ts";

type ListOpts = { output: OutputFormat; limit: number; next?: string; since?: string; actor?: string; action?: string; outcome?: string };

/** `cairn audit list`: who did what on `cairn serve` (maintainers and admins remotely; the operator locally). */
export function auditCommand(): Command {
  const list = addPageOptions(
    new Command("list")
      .description("the audit trail of `cairn serve`: every state-changing request and every refusal, newest first")
      .option("--since <time>", "only events at or after an RFC 3339 time or date, or a duration back from now (24h, 7d)")
      .option("--actor <name>", "only events of this token name (or `local`)")
      .option("--action <action>", "only this action (contract.update), or a prefix ending in * (contract.*)")
      .addOption(new Option("--outcome <outcome>", "only successes, or only refusals (and errors)").choices(["ok", "refused"]))
      .addOption(outputOption()),
  ).action(async (opts: ListOpts, c: Command) => {
    await withControlPlane(c, async (cp) => {
      const { since, actor, action, outcome, limit, next } = opts;
      const page = await cp.audit.list({ since, actor, action, outcome, limit, next });
      print(opts.output, page, () =>
        renderTable({ head: ["Time", "Actor", "Role", "Action", "Target", "Outcome"], rows: page.items.map(row) }),
      );
      printNext(opts.output, page.next);
    });
  });
  return new Command("audit").description("the audit trail of the control plane").addCommand(list);
}

function row(e: AuditView): string[] {
  return [e.at, e.actor, e.role ?? "", e.action, e.target, e.outcome];
}
