import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { outputOption, print, withControlPlane, type OutputFormat } from "./shared.ts";

/** `cairn apply -f FILE|DIR [--dry-run]`: declarative contracts, all or nothing. */
export function applyCommand(): Command {
  return new Command("apply")
    .description("create or update contracts from multi-document YAML (kind: Contract); all documents are validated, then applied in one transaction")
    .requiredOption("-f, --file <path>", "a YAML/JSON file, or a directory of them (*.yaml, *.yml, *.json; not recursive)")
    .option("--dry-run", "validate and show what would change, without changing anything")
    .addOption(outputOption())
    .action(async (opts: { file: string; dryRun?: boolean; output: OutputFormat }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const r = await cp.contracts.apply({ path: opts.file, dryRun: opts.dryRun === true });
        if (opts.output === "table" && r.dryRun) io.info("dry run: nothing was changed");
        print(opts.output, r, () =>
          renderTable({
            head: ["Source", "Kind", "Name", "Result"],
            rows: r.items.map((i) => [i.source, i.kind, i.name, `${i.action} (revision ${i.revision})`]),
          }),
        );
      });
    });
}
