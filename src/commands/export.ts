import { Command, Option } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { ExportResult } from "../services/transfer/export.ts";
import { print, refuseRemote, withApp, type OutputFormat } from "./shared.ts";

type Opts = { output: string; format: OutputFormat; workflow?: string; project?: string; since?: string; digest?: string };

/** `cairn export -o FILE.tar`: attestations, their runs, contracts and blobs in one tar for an air-gapped store. */
export function exportCommand(): Command {
  return new Command("export")
    .description("write the selected attestations, their runs, contracts and CAS blobs to one tar (for `cairn import`)")
    .requiredOption("-o, --output <file>", "the tar to write (written to a temp file, then renamed)")
    .option("--workflow <name>", "only runs of this workflow")
    .option("--project <name>", "only runs of this project")
    .option("--since <date>", "only runs created at or after this date (e.g. 2026-01-31)")
    .option("--digest <sha256:…>", "only the run of this attestation")
    // -o names the file here (as in the issue), so the summary format has its own flag.
    .addOption(new Option("--format <format>", "summary format").choices(["table", "json"]).default("table"))
    .action(async (opts: Opts, c: Command) => {
      refuseRemote(c, "export", "it reads the store and CAS directly; run it where the store lives");
      await withApp(c, async (app) => {
        const { exportEvidence } = await import("../services/transfer/export.ts");
        const r = await exportEvidence(app, { output: opts.output, workflow: opts.workflow, project: opts.project, since: opts.since, digest: opts.digest });
        if (opts.format === "table") io.info(`exported ${r.runs} attestation${r.runs === 1 ? "" : "s"} to ${r.path}`);
        print(opts.format, r, () => renderExport(r));
      });
    });
}

function renderExport(r: ExportResult): string {
  return renderTable({
    rows: [
      ["File", r.path],
      ["Runs / Attestations", String(r.attestations)],
      ["Contract Revisions", String(r.contractRevisions)],
      ["Blobs", String(r.blobs)],
      ["Bytes", String(r.bytes)],
    ],
  });
}
