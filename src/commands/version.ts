import { Command } from "commander";
import { renderTable } from "../cli/table.ts";
import { outputOption, print, type OutputFormat } from "./shared.ts";

/** `cairn version`: the build and the formats; `cairn --version` stays the bare version number. */
export function versionCommand(): Command {
  return new Command("version")
    .description("show the version, the commit and date of the build, the Bun runtime, the predicate type and the store schema version")
    .addOption(outputOption())
    .action(async (opts: { output: OutputFormat }) => {
      const { versionInfo } = await import("../services/version-info.ts");
      const v = versionInfo();
      print(opts.output, v, () =>
        renderTable({
          rows: [
            ["Version", v.version],
            ["Commit", v.commit],
            ["Build Date", v.buildDate],
            ["Bun", v.bun],
            ["Predicate Type", v.predicateType],
            ["Store Schema Version", String(v.storeSchemaVersion)],
          ],
        }),
      );
    });
}
