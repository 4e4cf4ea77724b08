import { Command } from "commander";
import { resolve } from "node:path";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { RootListing } from "../services/trust-roots.ts";
import { configFor, outputOption, print, publicControlPlane, refuseRemote, type OutputFormat } from "./shared.ts";

type Out = { output: OutputFormat };

/** `cairn trust-root add|list|remove|export`: the Sigstore trusted roots certificate-signed bundles verify against. */
export function trustRootCommand(): Command {
  const add = new Command("add")
    .description("trust a Sigstore trusted_root.json (checked, then kept in <home>/trust-roots/NAME.json)")
    .argument("<name>", "a name for it (lower-case letters, digits, . _ -)")
    .argument("<file>", "the trusted_root.json")
    .addOption(outputOption())
    .action(async (name: string, file: string, opts: Out, c: Command) => {
      refuseRemote(c, "trust-root add", "trusted roots live in the local home");
      const config = configFor(c);
      const { addTrustRoot } = await import("../services/trust-roots.ts");
      const r = addTrustRoot(config.home, config.cwd, name, file);
      if (opts.output === "table") io.info(`trust root ${r.name} added`);
      print(opts.output, r, () => renderTable({ rows: detailRows(r) }));
    });
  const list = new Command("list")
    .description("list the trusted roots: the embedded Sigstore public-good root, the home's CA, and added ones")
    .addOption(outputOption())
    .action(async (opts: Out, c: Command) => {
      refuseRemote(c, "trust-root list", "trusted roots live in the local home");
      const { listTrustRoots } = await import("../services/trust-roots.ts");
      const roots = listTrustRoots(configFor(c).home);
      print(opts.output, roots, () =>
        renderTable({
          head: ["Name", "Source", "CAs", "TSAs", "Tlogs", "CT Logs", "Valid From", "Valid Until"],
          rows: roots.map((r) => [r.name, r.source, String(r.cas), String(r.tsas), String(r.tlogs), String(r.ctlogs), r.validFrom ?? "", r.validUntil ?? "open"]),
        }),
      );
    });
  const remove = new Command("remove")
    .description("stop trusting an added root")
    .argument("<name>", "an added trust root")
    .action(async (name: string, _opts: unknown, c: Command) => {
      refuseRemote(c, "trust-root remove", "trusted roots live in the local home");
      const { removeTrustRoot } = await import("../services/trust-roots.ts");
      removeTrustRoot(configFor(c).home, name);
      io.info(`trust root ${name} removed`);
    });
  const exportCmd = new Command("export")
    .description("write the home CA's trusted_root.json, or with --control-plane URL a server's (GET /api/v1/trusted-root, no token needed)")
    .option("-o, --output <file>", "write to this file (default: stdout)")
    .action(async (opts: { output?: string }, c: Command) => {
      const { config, url, tls } = await publicControlPlane(c);
      const svc = await import("../services/trust-roots.ts");
      const text = url ? await svc.fetchTrustedRoot(url, fetch, tls) : svc.homeCaTrustedRoot(config.home);
      if (!opts.output) {
        process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
        return;
      }
      const { writeFileAtomic } = await import("../services/atomic-file.ts");
      writeFileAtomic(resolve(config.cwd, opts.output), text, 0o644);
      io.info(`trusted root written to ${opts.output}`);
    });
  return new Command("trust-root")
    .description("Sigstore trusted roots (CAs, TSAs, transparency logs) for verifying certificate-signed bundles")
    .addCommand(add)
    .addCommand(list)
    .addCommand(remove)
    .addCommand(exportCmd);
}

function detailRows(r: RootListing): string[][] {
  return [
    ["Name", r.name],
    ["Source", r.source],
    ["CAs", String(r.cas)],
    ["TSAs", String(r.tsas)],
    ["Tlogs", String(r.tlogs)],
    ["CT Logs", String(r.ctlogs)],
    ["Valid From", r.validFrom ?? ""],
    ["Valid Until", r.validUntil ?? "open"],
  ];
}
