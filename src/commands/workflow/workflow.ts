import { Command } from "commander";
import { io } from "../../cli/io.ts";
import { renderTable } from "../../cli/table.ts";
import type { WorkflowDetail, WorkflowView } from "../../services/control/workflows.ts";
import { addPageOptions, outputOption, print, printNext, withControlPlane, type OutputFormat } from "../shared.ts";

type Out = { output: OutputFormat };
type Target = Out & { name: string; project: string };
type Fields = { team?: string; description?: string; contract?: string };

const NAME = "workflow name (DNS-1123: lowercase letters, digits, '-')";
const CONTRACT = "a stored contract's name, or a contract file (registered as a new revision when it changed)";

/** `cairn workflow create|list|describe|update|delete`. */
export function workflowCommands(): Command[] {
  const create = new Command("create")
    .description("create a workflow in a project (the project is created on demand)")
    .requiredOption("--name <name>", NAME)
    .requiredOption("--project <name>", "project name (DNS-1123)")
    .option("--team <team>", "owning team")
    .option("--description <text>", "what the workflow does")
    .option("--contract <name|file>", `${CONTRACT}; default: an empty contract <project>-<name>`)
    .option("--skip-if-exists", "return the existing workflow instead of failing")
    .addOption(outputOption())
    .action(async (opts: Target & Fields & { skipIfExists?: boolean }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const w = await cp.workflows.create({ ...opts, skipIfExists: opts.skipIfExists === true });
        if (opts.output === "table") io.info(w.created ? `workflow ${w.project}/${w.name} created` : `workflow ${w.project}/${w.name} already exists`);
        print(opts.output, w, () => renderTable({ rows: detailRows(w) }));
      });
    });
  const list = addPageOptions(
    new Command("list")
      .description("workflows, newest first, with their contract revision, runs count and last run")
      .option("--project <name>", "only workflows of this project")
      .option("--team <team>", "only workflows of this team")
      .addOption(outputOption()),
  ).action(async (opts: Out & { project?: string; team?: string; limit: number; next?: string }, c: Command) => {
    await withControlPlane(c, async (cp) => {
      const page = await cp.workflows.list(opts);
      print(opts.output, page, () =>
        renderTable({
          head: ["Name", "Project", "Team", "Contract", "Runs", "Last Run", "Last Run At"],
          rows: page.items.map((w) => [w.name, w.project, w.team ?? "", contract(w), String(w.runsCount), lastRun(w), w.lastRun?.createdAt ?? ""]),
        }),
      );
      printNext(opts.output, page.next);
    });
  });
  const describe = new Command("describe")
    .description("one workflow: its contract, runs count and last run")
    .requiredOption("--name <name>", NAME)
    .requiredOption("--project <name>", "its project")
    .addOption(outputOption())
    .action(async (opts: Target, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const w = await cp.workflows.describe(opts);
        print(opts.output, w, () => renderTable({ rows: detailRows(w) }));
      });
    });
  const update = new Command("update")
    .description("change a workflow's team, description or contract (an empty value clears team/description)")
    .requiredOption("--name <name>", NAME)
    .requiredOption("--project <name>", "its project")
    .option("--team <team>", "owning team")
    .option("--description <text>", "what the workflow does")
    .option("--contract <name|file>", `${CONTRACT}; later runs use it`)
    .addOption(outputOption())
    .action(async (opts: Target & Fields, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const w = await cp.workflows.update(opts);
        if (opts.output === "table") io.info(`workflow ${w.project}/${w.name} updated`);
        print(opts.output, w, () => renderTable({ rows: detailRows(w) }));
      });
    });
  const del = new Command("delete")
    .description("delete a workflow (its runs and attestations stay; the name can be reused)")
    .requiredOption("--name <name>", NAME)
    .requiredOption("--project <name>", "its project")
    .addOption(outputOption())
    .action(async (opts: Target, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const r = await cp.workflows.delete(opts);
        if (opts.output === "table") io.info(`workflow ${r.project}/${r.name} deleted`);
        else io.json(r);
      });
    });
  return [create, list, describe, update, del];
}

const contract = (w: WorkflowView) => `${w.contractName} (rev ${w.contractLatestRevision})`;

function lastRun(w: WorkflowView): string {
  if (!w.lastRun) return "";
  const pinned = w.lastRun.contractRevisionUsed < w.contractLatestRevision ? ` (rev ${w.lastRun.contractRevisionUsed})` : "";
  return `${w.lastRun.state}${pinned}`;
}

function detailRows(w: WorkflowDetail): string[][] {
  return [
    ["ID", w.id],
    ["Name", w.name],
    ["Project", w.project],
    ["Team", w.team ?? ""],
    ["Description", w.description ?? ""],
    ["Contract", contract(w)],
    ["Runs", String(w.runsCount)],
    ["Last Run", w.lastRun ? `${w.lastRun.id} ${lastRun(w)} at ${w.lastRun.createdAt}` : "none"],
    ["Created At", w.createdAt],
    ["Created By", `${w.createdBy ?? "unknown"}${w.implicit ? " (implicitly, at att init)" : ""}`],
    ["Updated At", w.updatedAt ?? ""],
  ];
}
