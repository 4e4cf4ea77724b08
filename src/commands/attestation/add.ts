import { Command } from "commander";
import { io } from "../../cli/io.ts";
import { renderTable } from "../../cli/table.ts";
import { collectPairs, outputOption, print, toRecord, type OutputFormat } from "../shared.ts";
import { attestationIdOption, withCrafting } from "./remote.ts";

interface AddOpts {
  name?: string;
  value: string;
  kind?: string;
  annotation: string[];
  strictValidation: boolean;
  offline?: boolean;
  output: OutputFormat;
}

export function addCommand(): Command {
  return new Command("add")
    .description("add a material: a contract material by --name, or a contract-free one with --kind; the kind is detected when not given")
    .option("--name <name>", "material name (from the contract, or a new contract-free name)")
    .requiredOption("--value <value>", "file path, OCI layout dir[@sha256:…], or string value")
    .option("--kind <kind>", "material kind (see `cairn materials list`); detected from the content when omitted")
    .option("--annotation <key=value>", "annotation for the material (repeatable)", collectPairs, [])
    .option("--no-strict-validation", "record schema failures of SBOM and spec kinds as warnings instead of errors")
    .option("--offline", "air-gapped builders: record a registry image by the digest its reference pins (@sha256:…), contacting no registry (annotated cairn.material.image.resolved=false)")
    .addOption(attestationIdOption())
    .addOption(outputOption())
    .action(async (opts: AddOpts, cmd: Command) => {
      await withCrafting(cmd, async ({ deps }) => {
        const { addMaterial } = await import("../../services/crafting/add.ts");
        const added = await addMaterial(deps, {
          name: opts.name,
          value: opts.value,
          kind: opts.kind,
          annotations: toRecord(opts.annotation, "--annotation"),
          strict: opts.strictValidation,
          offline: opts.offline === true,
        });
        if (opts.output === "table") {
          // Only stored files say done; a dry run (or the contract's skipUpload) keeps the file out of the CAS.
          const held = added.some((m) => m.size !== undefined && !m.uploaded);
          const why = held && (await deps.state.read()).dryRun ? "dry run" : "skipUpload in the contract";
          for (const m of added) {
            if (m.size !== undefined) io.err(`${m.value}@${m.digest} ... ${m.uploaded ? "done!" : `not stored (${why})`} [${m.size}B]`);
          }
          io.info(added.length > 1 ? `${added.length} materials added to attestation (archive exploded)` : "material added to attestation");
        }
        // One material prints as an object (as before); an exploded archive as the list.
        print(opts.output, added.length === 1 ? added[0] : added, () =>
          added
            .map((m) => renderTable({ rows: [["Name", m.name], ["Type", m.kind], ["Value", m.value], ["Digest", m.digest], ...Object.entries(m.annotations).sort()] }))
            .join("\n"),
        );
      });
    });
}
