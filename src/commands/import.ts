import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { ImportResult } from "../services/transfer/import.ts";
import { collectPairs, outputOption, print, refuseRemote, withApp, type OutputFormat } from "./shared.ts";

type Opts = { trustedKey: string[]; allowUnsigned?: boolean; output: OutputFormat };

/** `cairn import FILE.tar`: verifies a `cairn export` tar whole, then stores it in one transaction. */
export function importCommand(): Command {
  return new Command("import")
    .description("verify a `cairn export` tar (names, hashes, signatures, references) and store it; any failure imports nothing")
    .argument("<file>", "the tar written by `cairn export`")
    .option("--trusted-key <ref>", "public key the bundles must verify with (repeatable); default: the organization's registered keys", collectPairs, [])
    .option("--allow-unsigned", "accept an export whose manifest is not signed (runs.json's unsigned fields are then bound to nothing)")
    .addOption(outputOption())
    .action(async (file: string, opts: Opts, c: Command) => {
      refuseRemote(c, "import", "it stages blobs beside the store's CAS and writes the store in one transaction; run it where the store lives");
      await withApp(c, async (app) => {
        const { importEvidence } = await import("../services/transfer/import.ts");
        const trustedKeys = opts.trustedKey.length > 0 ? await (await import("../services/keys.ts")).verificationKeys(app.config, opts.trustedKey) : [];
        const r = await importEvidence(app, { file, trustedKeys, allowUnsigned: opts.allowUnsigned === true });
        if (opts.output === "table") io.info(`imported ${r.runs.imported} run${r.runs.imported === 1 ? "" : "s"} into organization ${r.organization} (${r.runs.alreadyPresent} already present)`);
        print(opts.output, r, () => renderImport(r));
      });
    });
}

function renderImport(r: ImportResult): string {
  const row = (label: string, n: { imported: number; alreadyPresent: number }) => [label, String(n.imported), String(n.alreadyPresent)];
  const counts = renderTable({
    head: ["", "Imported", "Already Present"],
    rows: [row("Runs / Attestations", r.runs), row("Contract Revisions", r.contractRevisions), row("Blobs", r.blobs)],
  });
  const trust = renderTable({
    rows: [
      ["Manifest Signed By", r.manifestSigner ?? "nobody (--allow-unsigned)"],
      ...(r.contractUnbound ? [["Contract Not Bound", `${r.contractUnbound} run(s) signed before contractDigest`]] : []),
    ],
  });
  return `${counts}\n${trust}`;
}
