import { Command } from "commander";
import { renderTable } from "../cli/table.ts";
import { CairnError } from "../errors.ts";
import { cliReporter } from "../cli/io.ts";
import { violationLines } from "../crafter/policy/attach.ts";
import { collectPairs, configFor, outputOption, print, type OutputFormat } from "./shared.ts";

export function checkCommand(): Command {
  return new Command("check")
    .description("pre-commit gate: validate a contract and materials against it and its material policies, store nothing, need no key (exit 1 on any failure, 4 when a gated policy is violated)")
    .requiredOption("--contract <file>", "contract file")
    .option("--material <name=path>", "material to check (repeatable)", collectPairs, [])
    .option("--no-strict-validation", "schema failures of SBOM and spec kinds only warn")
    .addOption(outputOption())
    .action(async (opts: { contract: string; material: string[]; strictValidation: boolean; output: OutputFormat }, cmd: Command) => {
      const materials = opts.material.map((m) => {
        const i = m.indexOf("=");
        if (i <= 0) throw new CairnError("USAGE", `--material ${JSON.stringify(m)} is not NAME=PATH`);
        return { name: m.slice(0, i), value: m.slice(i + 1) };
      });
      const { checkMaterials } = await import("../services/check.ts");
      const config = configFor(cmd);
      const r = await checkMaterials({ config, reporter: cliReporter(config.interactive) }, { contractPath: opts.contract, materials, strict: opts.strictValidation });
      print(opts.output, r, () => {
        const rows = r.materials.map((m) => [m.name, m.kind, m.ok ? "ok" : "FAIL", m.problem ?? m.digest ?? ""]);
        const table = renderTable({ title: `Check against ${r.contract}`, head: ["NAME", "TYPE", "RESULT", "DETAIL"], rows });
        const violations = violationLines(r.policyEvaluations).map((l) => `policy violation: ${l}`);
        return [table, ...violations, ...(r.missing.length ? [`Missing required: ${r.missing.join(", ")}`] : [])].join("\n");
      });
      // 4 as `att push` would exit on these materials; 1 for every other failure (non-gated violations included).
      if (r.policyBlocked) process.exitCode = 4;
      else if (!r.ok) process.exitCode = 1;
    });
}
