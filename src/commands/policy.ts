import { Command } from "commander";
import { renderTable } from "../cli/table.ts";
import { io } from "../cli/io.ts";
import { CairnError } from "../errors.ts";
import { addPageOptions, collectPairs, configFor, outputOption, print, printNext, refuseRemote, toRecord, withApp, type OutputFormat } from "./shared.ts";

/** `--input k=v` is repeatable; unlike --annotation a value keeps its commas (lists are comma-separated). */
const repeat = (v: string, prev: string[] = []) => [...prev, v];

/** `cairn policy eval|lint|builtin`: for policy authors. Services are loaded on demand, like every command. */
export function policyCommand(): Command {
  const evalCmd = new Command("eval")
    .description("evaluate a policy on a material file (exit 0 even with violations; 1 when the policy is broken)")
    .requiredOption("--policy <ref>", "policy file (.yaml/.yml/.json) or builtin:NAME")
    .requiredOption("--material <value>", "material file, OCI layout directory or string value")
    .option("--kind <kind>", "material kind (default: auto-detected, as `att add` does)")
    .option("--name <name>", "material name, as a contract would give it (default: the file name)")
    .option("--input <k=v>", "policy input (repeatable; lists are comma-separated)", repeat, [])
    .option("--annotation <k=v>", "material annotation (repeatable)", collectPairs, [])
    .addOption(outputOption())
    .action(async (opts: { policy: string; material: string; kind?: string; name?: string; input: string[]; annotation: string[]; output: OutputFormat }, cmd: Command) => {
      const { evaluatePolicyOnFile } = await import("../services/policies/evaluate.ts");
      const { clockFromEnv } = await import("../context.ts");
      const config = configFor(cmd);
      const input = { policy: opts.policy, material: opts.material, kind: opts.kind?.toUpperCase(), name: opts.name, with: toRecord(opts.input, "--input"), annotations: toRecord(opts.annotation, "--annotation") };
      // A stored policy's name needs the store; files and built-ins are evaluated without opening it.
      const stored = /^[a-z0-9][-a-z0-9]*(@sha256:[0-9a-f]{64})?$/.test(opts.policy);
      const out = stored
        ? await withApp(cmd, (app) => evaluatePolicyOnFile(app, input))
        : await evaluatePolicyOnFile({ config, clock: clockFromEnv(config) ?? { now: () => new Date() } }, input);
      for (const w of out.warnings) io.err(`WRN ${w}`);
      print(opts.output, out, () => renderEval(out));
    });
  const lint = new Command("lint")
    .description("check policies: YAML/JSON, fields, CEL syntax and types (exit 1 on any problem)")
    .argument("<policy...>", "policy files or builtin:NAME")
    .addOption(outputOption())
    .action(async (refs: string[], opts: { output: OutputFormat }, cmd: Command) => {
      const { lintPolicies } = await import("../services/policies/lint.ts");
      const results = lintPolicies(refs, configFor(cmd).cwd);
      print(opts.output, results, () => results.map(renderLint).join("\n"));
      const bad = results.filter((r) => !r.ok).length;
      if (bad > 0) throw new CairnError("POLICY_INVALID", `${bad} of ${results.length} ${results.length === 1 ? "policy has" : "policies have"} problems`, { hint: "fix the positions listed above" });
    });
  const builtin = new Command("builtin")
    .alias("list-builtin")
    .description("the built-in policy library (use as builtin:NAME)")
    .addOption(outputOption())
    .action(async (opts: { output: OutputFormat }) => {
      const { builtinNames, builtinPolicy } = await import("../crafter/policy/library.ts");
      const rows = builtinNames().map((n) => {
        const p = builtinPolicy(n);
        const kinds = [...new Set(p.rules.flatMap((r) => (r.attestation ? ["ATTESTATION"] : r.kinds)))];
        return { name: `builtin:${n}`, description: p.description, kinds, inputs: p.inputs, digest: p.digest };
      });
      const inputText = (i: (typeof rows)[number]["inputs"][number]) => `${i.name}${i.required ? " (required)" : i.default !== undefined ? `=${i.default}` : ""}`;
      print(opts.output, rows, () =>
        renderTable({ title: "Built-in policies", head: ["name", "kinds", "inputs", "description"], rows: rows.map((r) => [r.name, r.kinds.join(", "), r.inputs.map(inputText).join(", ") || "-", r.description]), wrap: [1, 2, 3] }),
      );
    });
  return new Command("policy")
    .description("write and check policies (evaluate, lint, the built-in library) and keep them in the store (add, list, describe)")
    .addCommand(evalCmd)
    .addCommand(lint)
    .addCommand(builtin)
    .addCommand(addCommand())
    .addCommand(listCommand())
    .addCommand(describeCommand());
}

// The store commands work on the local store only: the ControlPlane client (src/remote) has no policy calls yet.
const LOCAL_ONLY = "the policy store is reached through the local store (the server's /api/v1/policies serves API clients)";

function addCommand(): Command {
  return new Command("add")
    .description("store a policy (validated first); a new revision only when its content changed")
    .option("--name <name>", "policy name (default: metadata.name; must match it when both are given)")
    .requiredOption("-f, --file <path>", "policy file (.yaml, .yml or .json)")
    .addOption(outputOption())
    .action(async (opts: { name?: string; file: string; output: OutputFormat }, cmd: Command) => {
      refuseRemote(cmd, "policy add", LOCAL_ONLY);
      await withApp(cmd, async (app) => {
        const { addPolicyFile } = await import("../services/policies/store.ts");
        const r = await addPolicyFile(app, { name: opts.name, file: opts.file });
        if (opts.output === "table") io.info(r.created ? `policy ${r.name} revision ${r.revision} added` : `policy ${r.name} unchanged (revision ${r.revision})`);
        print(opts.output, r, () => renderTable({ rows: [["Name", r.name], ["Revision", String(r.revision)], ["Digest", r.digest]], keepDigests: true }));
      });
    });
}

function listCommand(): Command {
  return addPageOptions(new Command("list").description("stored policies of the organization, with their latest revision").addOption(outputOption())).action(
    async (opts: { limit: number; next?: string; output: OutputFormat }, cmd: Command) => {
      refuseRemote(cmd, "policy list", LOCAL_ONLY);
      await withApp(cmd, async (app) => {
        const { listStoredPolicies } = await import("../services/policies/store.ts");
        const page = await listStoredPolicies(app, { limit: opts.limit, next: opts.next });
        print(opts.output, page, () =>
          renderTable({ head: ["Name", "Revision", "Description", "Updated At"], rows: page.items.map((p) => [p.name, String(p.latestRevision), p.description || "-", p.updatedAt]), wrap: [2] }),
        );
        printNext(opts.output, page.next);
      });
    },
  );
}

function describeCommand(): Command {
  return new Command("describe")
    .description("a stored policy: source, digest and revisions")
    .requiredOption("--name <name>", "stored policy name")
    .option("--revision <n>", "revision (default: the latest)", (v) => Number(v))
    .addOption(outputOption())
    .action(async (opts: { name: string; revision?: number; output: OutputFormat }, cmd: Command) => {
      refuseRemote(cmd, "policy describe", LOCAL_ONLY);
      await withApp(cmd, async (app) => {
        const { describeStoredPolicy } = await import("../services/policies/store.ts");
        const d = await describeStoredPolicy(app, { name: opts.name, revision: opts.revision });
        print(opts.output, d, () => {
          const head = renderTable({
            rows: [["Name", d.name], ["Description", d.description || "-"], ["Revision", `${d.revision} of ${d.latestRevision}`], ["Digest", d.digest], ["Created At", d.createdAt]],
          });
          const revs = renderTable({ title: "Revisions", head: ["Revision", "Digest", "Created At"], rows: d.revisions.map((r) => [String(r.revision), r.digest, r.createdAt]) });
          return `${head}\n${revs}\n${d.source.trimEnd()}`;
        });
      });
    });
}

interface EvalView {
  policy: { name: string; source: string; digest: string };
  material: { name: string; kind: string; digest: string };
  result: { violations: { rule: string; message: string }[]; skipped?: string; inputs: Record<string, string> };
}

function renderEval(out: EvalView): string {
  const r = out.result;
  const status = r.skipped !== undefined ? `skipped: ${r.skipped}` : r.violations.length === 0 ? "passed" : `${r.violations.length} violation(s)`;
  const head = renderTable({
    rows: [["Policy", `${out.policy.name} (${out.policy.source})`], ["Digest", out.policy.digest], ["Material", `${out.material.name} (${out.material.kind})`], ["Inputs", Object.entries(r.inputs).map(([k, v]) => `${k}=${v}`).join(", ") || "-"], ["Result", status]],
  });
  if (r.violations.length === 0) return head;
  return `${head}\n${renderTable({ head: ["rule", "violation"], rows: r.violations.map((v) => [v.rule, v.message]) })}`;
}

function renderLint(r: { policy: string; ok: boolean; name?: string; rules?: number; problems: { path: string; problem: string; line?: number; column?: number }[] }): string {
  if (r.ok) return `ok    ${r.policy}: ${r.name} (${r.rules} rule${r.rules === 1 ? "" : "s"})`;
  const lines = r.problems.map((p) => `      ${r.policy}${p.line !== undefined ? `:${p.line}:${p.column}` : ""}: ${p.path ? `${p.path}: ` : ""}${p.problem}`);
  return [`FAIL  ${r.policy}`, ...lines].join("\n");
}
