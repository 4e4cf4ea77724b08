import { Command, Option } from "commander";
import type { Config } from "../config.ts";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { CairnError } from "../errors.ts";
import type { Clock } from "../services/deps.ts";
import type { ExportResult } from "../services/transfer/export.ts";
import type { SigningMethod } from "../signing/sign.ts";
import { print, refuseRemote, withApp, type OutputFormat } from "./shared.ts";

type Opts = { output: string; format: OutputFormat; workflow?: string; project?: string; since?: string; digest?: string; key?: string; keyless?: boolean };

/** `cairn export -o FILE.tar`: attestations, their runs, contracts and blobs in one tar for an air-gapped store. */
export function exportCommand(): Command {
  return new Command("export")
    .description("write the selected attestations, their runs, contracts and CAS blobs to one tar (for `cairn import`)")
    .requiredOption("-o, --output <file>", "the tar to write (written to a temp file, then renamed)")
    .option("--workflow <name>", "only runs of this workflow")
    .option("--project <name>", "only runs of this project")
    .option("--since <date>", "only runs created at or after this date (e.g. 2026-01-31)")
    .option("--digest <sha256:…>", "only the run of this attestation")
    .option("--key <ref>", "sign the manifest with this private key (default: CAIRN_SIGNING_KEY; import refuses an unsigned export unless --allow-unsigned)")
    .option("--keyless", "sign the manifest with a certificate from this home's CA (`cairn ca init`) and its timestamp")
    // -o names the file here (as in the issue), so the summary format has its own flag.
    .addOption(new Option("--format <format>", "summary format").choices(["table", "json"]).default("table"))
    .action(async (opts: Opts, c: Command) => {
      refuseRemote(c, "export", "it reads the store and CAS directly; run it where the store lives");
      if (opts.key && opts.keyless) throw new CairnError("USAGE", "--key and --keyless exclude each other", { hint: "drop one of them" });
      await withApp(c, async (app) => {
        const { exportEvidence } = await import("../services/transfer/export.ts");
        const sign = await manifestSigning(opts, app.config, app.clock);
        const r = await exportEvidence(app, { output: opts.output, workflow: opts.workflow, project: opts.project, since: opts.since, digest: opts.digest, ...(sign && { sign }) });
        if (opts.format === "table") io.info(`exported ${r.runs} attestation${r.runs === 1 ? "" : "s"} to ${r.path}`);
        if (!r.signed) io.err("WRN the manifest is not signed: `cairn import` refuses this file unless given --allow-unsigned (sign with --key or --keyless)");
        print(opts.format, r, () => renderExport(r));
      });
    });
}

/**
 * What signs the manifest: --key (else CAIRN_SIGNING_KEY, as for `att push`), or --keyless with the home CA and TSA
 * (as `att push --keyless` on one machine); none: unsigned.
 */
async function manifestSigning(opts: Opts, config: Config, clock: Clock): Promise<SigningMethod | undefined> {
  const ref = opts.key ?? (opts.keyless ? undefined : config.env.CAIRN_SIGNING_KEY || undefined);
  if (ref) {
    const { signingKey } = await import("../services/keys.ts");
    return { key: await signingKey(config, ref) };
  }
  if (!opts.keyless) return undefined;
  const { homeCaAuthorities } = await import("../services/crafting/home-keyless.ts");
  const { LOCAL_ISSUER } = await import("./attestation/signing.ts");
  const san = `${LOCAL_ISSUER}/orgs/${encodeURIComponent(config.organization)}/export`;
  const home = await homeCaAuthorities(config, clock, san, LOCAL_ISSUER);
  return { issuer: home.issuer, tsa: home.tsa };
}

function renderExport(r: ExportResult): string {
  return renderTable({
    rows: [
      ["File", r.path],
      ["Runs / Attestations", String(r.attestations)],
      ["Contract Revisions", String(r.contractRevisions)],
      ["Blobs", String(r.blobs)],
      ["Bytes", String(r.bytes)],
      ["Manifest Signed", r.signed ? "yes" : "no"],
    ],
  });
}
