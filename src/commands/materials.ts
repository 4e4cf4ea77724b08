import { Command } from "commander";
import { renderTable } from "../cli/table.ts";
import { configFor, outputOption, print, type OutputFormat } from "./shared.ts";

/** `cairn materials list|describe|detect`, all generated from the MATERIAL_KINDS table (loaded on demand, like every service). */
export function materialsCommand(): Command {
  const list = new Command("list")
    .description("every material kind, in auto-discovery order")
    .addOption(outputOption())
    .action(async (opts: { output: OutputFormat }) => {
      const { MATERIAL_KINDS } = await import("../crafter/materials/registry.ts");
      const rows = MATERIAL_KINDS.map((k, i) => ({ order: i + 1, kind: k.kind, input: k.input, autoDetect: k.autoDetect, summary: k.summary }));
      print(opts.output, rows, () =>
        renderTable({ title: "Material kinds (auto-discovery order)", head: ["#", "KIND", "INPUT", "AUTO", "SUMMARY"], rows: rows.map((r) => [String(r.order), r.kind, r.input, r.autoDetect ? "yes" : "no", r.summary]), wrap: [4] }),
      );
    });
  const describe = new Command("describe")
    .description("what a kind validates, which annotations it records, an example")
    .argument("<kind>", "material kind, e.g. SBOM_CYCLONEDX_JSON")
    .addOption(outputOption())
    .action(async (name: string, opts: { output: OutputFormat }) => {
      const { requireKind } = await import("../services/materials/evaluate.ts");
      const k = requireKind(name.toUpperCase());
      const data = { kind: k.kind, summary: k.summary, input: k.input, autoDetect: k.autoDetect, validates: k.validates, annotations: k.annotations, example: k.example };
      print(opts.output, data, () =>
        renderTable({
          rows: [["Kind", k.kind], ["Summary", k.summary], ["Input", k.input], ["Auto-detected", k.autoDetect ? "yes" : "no"], ["Validates", k.validates], ["Annotations", k.annotations.join(", ") || "-"], ["Example", `cairn att add ${k.example}`]],
          wrap: [1],
        }),
      );
    });
  const detectCmd = new Command("detect")
    .description("which kind auto-discovery picks for a file or value (reads at most the first 64 KiB)")
    .argument("<value>", "file path or string value")
    .addOption(outputOption())
    .action(async (value: string, opts: { output: OutputFormat }, cmd: Command) => {
      const { detect } = await import("../services/materials/evaluate.ts");
      const k = detect(value, configFor(cmd).cwd);
      print(opts.output, { value, kind: k.kind }, () => k.kind);
    });
  return new Command("materials").description("the material kinds cairn understands").addCommand(list).addCommand(describe).addCommand(detectCmd);
}
