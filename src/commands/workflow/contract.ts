import { Command } from "commander";
import { io } from "../../cli/io.ts";
import { renderTable } from "../../cli/table.ts";
import type { ContractSummary } from "../../services/control/contracts.ts";
import { addPageOptions, outputOption, print, printNext, withControlPlane, type OutputFormat } from "../shared.ts";

type Out = { output: OutputFormat };
type Named = Out & { name: string };
type Edit = Named & { file?: string; description?: string };

const NAME = "contract name (DNS-1123: lowercase letters, digits, '-')";

/** `cairn workflow contract create|update|describe|list|delete`: contracts with immutable revisions. */
export function contractCommand(): Command {
  const create = new Command("create")
    .description("create a contract (revision 1) from a file, or an empty one")
    .requiredOption("--name <name>", NAME)
    .option("-f, --file <path>", "contract YAML or JSON (its metadata.name, if any, must equal --name)")
    .option("--description <text>", "what the contract is for (default: metadata.description)")
    .addOption(outputOption())
    .action(async (opts: Edit, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const r = await cp.contracts.create(opts);
        if (opts.output === "table") io.info(`contract ${r.name} created (revision ${r.latestRevision})`);
        print(opts.output, r, () => renderTable({ rows: summaryRows(r) }));
      });
    });
  const update = new Command("update")
    .description("add a revision when the file's normalized content changed; reformatting alone changes nothing")
    .requiredOption("--name <name>", NAME)
    .option("-f, --file <path>", "the new contract YAML or JSON")
    .option("--description <text>", "new description")
    .addOption(outputOption())
    .action(async (opts: Edit, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const r = await cp.contracts.update(opts);
        if (opts.output === "json") io.json(r);
        else io.info(r.changed ? `contract ${r.name}: new revision ${r.revision}` : `contract ${r.name}: content unchanged, still revision ${r.revision}`);
      });
    });
  const describe = new Command("describe")
    .description("a contract revision (default the latest): summary, revisions, workflows using it, then the raw body")
    .requiredOption("--name <name>", NAME)
    .option("--revision <n>", "revision number", (v) => Number(v))
    .addOption(outputOption())
    .action(async (opts: Named & { revision?: number }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const d = await cp.contracts.describe(opts);
        print(opts.output, d, () => {
          const summary = renderTable({
            rows: [
              ["Name", d.name],
              ["Description", d.description ?? ""],
              ["Revision", `${d.revision} (latest ${d.latestRevision})`],
              ["Digest", d.digest],
              ["Created At", d.createdAt],
              ["Format", d.format],
              ["Workflows", d.workflows.map((w) => `${w.project}/${w.name}`).join(", ") || "none"],
            ],
          });
          const revisions = renderTable({
            head: ["Revision", "Digest", "Created At", "Created By"],
            rows: d.revisions.map((r) => [String(r.revision), r.digest, r.createdAt, r.createdBy ?? "unknown"]),
          });
          return `${summary}\n${revisions}\n${d.body.trimEnd()}`;
        });
      });
    });
  const list = addPageOptions(new Command("list").description("contracts by name, with latest revision and workflows count").addOption(outputOption())).action(
    async (opts: Out & { limit: number; next?: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const page = await cp.contracts.list(opts);
        print(opts.output, page, () =>
          renderTable({
            head: ["Name", "Description", "Revision", "Workflows", "Created At", "Updated At"],
            rows: page.items.map((r) => [r.name, r.description ?? "", String(r.latestRevision), String(r.workflowsCount), r.createdAt, r.updatedAt]),
          }),
        );
        printNext(opts.output, page.next);
      });
    },
  );
  const del = new Command("delete")
    .description("delete a contract no workflow uses (its revisions stay for the runs that used them)")
    .requiredOption("--name <name>", NAME)
    .addOption(outputOption())
    .action(async (opts: Named, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const r = await cp.contracts.delete(opts);
        if (opts.output === "json") io.json(r);
        else io.info(`contract ${r.name} deleted`);
      });
    });
  const diff = new Command("diff")
    .description("what changed between two revisions (default: the previous and the latest): materials, policies, gates, env, runner, annotations")
    .requiredOption("--name <name>", NAME)
    .option("--from <n>", "the older revision (default: the one before --to)", (v) => Number(v))
    .option("--to <n>", "the newer revision (default: the latest)", (v) => Number(v))
    .addOption(outputOption())
    .action(async (opts: Named & { from?: number; to?: number }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const { diffContractRevisions, renderContractDiff } = await import("../../services/control/contract-diff.ts");
        const d = await diffContractRevisions((i) => cp.contracts.describe(i), opts);
        print(opts.output, d, () => renderContractDiff(d).join("\n"));
      });
    });
  return new Command("contract")
    .description("workflow contracts and their revisions")
    .addCommand(create)
    .addCommand(update)
    .addCommand(describe)
    .addCommand(diff)
    .addCommand(list)
    .addCommand(del);
}

function summaryRows(r: ContractSummary): string[][] {
  return [
    ["Name", r.name],
    ["Description", r.description ?? ""],
    ["Revision", String(r.latestRevision)],
    ["Workflows", String(r.workflowsCount)],
    ["Created At", r.createdAt],
  ];
}
