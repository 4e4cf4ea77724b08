import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { renderTable } from "../cli/table.ts";
import { CairnError } from "../errors.ts";
import { cliReporter } from "../cli/io.ts";
import { violationLines } from "../crafter/policy/attach.ts";
import type { CheckReport, CheckRow } from "../services/check.ts";
import type { DescribeContract } from "../services/check-contract.ts";
import { collectPairs, configFor, outputOption, print, withControlPlane, type OutputFormat } from "./shared.ts";

interface CheckOpts {
  contract: string;
  material: string[];
  strictValidation: boolean;
  requireAll?: boolean;
  strict?: boolean;
  output: OutputFormat;
}

export function checkCommand(): Command {
  return new Command("check")
    .description(
      "pre-commit gate: check a contract and the materials given against it and its material policies, store nothing, need no key; " +
        "required materials not given are listed as not checked (exit 1 when a given material is invalid, 4 when a gated policy is violated)",
    )
    .requiredOption("--contract <file|name>", "contract file, or the name of a stored contract (local store, or --control-plane)")
    .option("--material <name=path>", "material to check (repeatable)", collectPairs, [])
    .option("--require-all", "fail when a required material is not given")
    .option("--strict", "fail on violations of non-gated policies too (a CI gate)")
    .option("--no-strict-validation", "schema failures of SBOM and spec kinds only warn")
    .addOption(outputOption())
    .action(async (opts: CheckOpts, cmd: Command) => {
      const materials = opts.material.map((m) => {
        const i = m.indexOf("=");
        if (i <= 0) throw new CairnError("USAGE", `--material ${JSON.stringify(m)} is not NAME=PATH`);
        return { name: m.slice(0, i), value: m.slice(i + 1) };
      });
      const { checkMaterials } = await import("../services/check.ts");
      const { loadCheckContract, noStore } = await import("../services/check-contract.ts");
      const config = configFor(cmd);
      // A name is looked up only when it is no file; a home without a store is not created by looking.
      const describe: DescribeContract =
        config.remote || existsSync(resolve(config.home, "cairn.db"))
          ? (name) => withControlPlane(cmd, (cp) => cp.contracts.describe({ name }))
          : noStore(config.home, config.organization);
      const contract = await loadCheckContract(opts.contract, config.cwd, describe);
      const r = await checkMaterials(
        { config, reporter: cliReporter(config.interactive) },
        { contract, materials, strictValidation: opts.strictValidation, requireAll: opts.requireAll === true, strict: opts.strict === true },
      );
      print(opts.output, r, () => renderReport(r, opts.strict === true));
      // 4 as `att push` would exit on these materials; 1 for every other failure.
      if (r.policyBlocked) process.exitCode = 4;
      else if (!r.ok) process.exitCode = 1;
    });
}

function renderReport(r: CheckReport, strict: boolean): string {
  const rows = r.materials.map((m) => [m.name, m.kind, result(m, strict), detail(m)]);
  const table = renderTable({ title: `Check against ${r.contract}`, head: ["NAME", "TYPE", "RESULT", "DETAIL"], rows, wrap: [3] });
  const violations = violationLines(r.policyEvaluations).map((l) => `policy violation: ${l}`);
  const missing = r.missing.length ? [`Required, not given: ${r.missing.join(", ")}${r.ok ? " (pass them, or --require-all to fail on this)" : ""}`] : [];
  return [table, ...violations, ...missing].join("\n");
}

function result(m: CheckRow, strict: boolean): string {
  if (m.status === "not given") return "not checked (not given)";
  if (m.status === "invalid") return "FAIL";
  if (m.violations === 0) return "ok";
  return m.blocked || strict ? "FAIL" : "violations";
}

function detail(m: CheckRow): string {
  if (m.status === "not given") return m.required ? "required" : "optional";
  return [m.digest, m.problem].filter((s) => s !== undefined).join("  ");
}
