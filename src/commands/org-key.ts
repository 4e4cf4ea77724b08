import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { OrgKeyView } from "../services/control/org-keys.ts";
import { addPageOptions, outputOption, print, printNext, withControlPlane, type OutputFormat } from "./shared.ts";

type Out = { output: OutputFormat };

/** `cairn org key add|list|remove`: the public keys pushed bundles are verified against. */
export function orgKeyCommand(): Command {
  const add = new Command("add")
    .description("register a public key (ECDSA P-256 or Ed25519 PEM) that signs this organization's attestations")
    .requiredOption("--name <name>", "key name (DNS-1123)")
    .requiredOption("--key <file>", "the PEM public key file, e.g. cosign.pub (never the private key)")
    .addOption(outputOption())
    .action(async (opts: Out & { name: string; key: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const k = await cp.keys.add({ name: opts.name, keyFile: opts.key });
        if (opts.output === "table") io.info(`key ${k.name} registered in organization ${await cp.organization()}`);
        print(opts.output, k, () => renderTable({ rows: detailRows(k) }));
      });
    });
  const list = addPageOptions(
    new Command("list")
      .description("list registered keys")
      .option("--status <status>", "active, removed or all", "active")
      .addOption(outputOption()),
  ).action(async (opts: Out & { status: string; limit: number; next?: string }, c: Command) => {
    await withControlPlane(c, async (cp) => {
      const page = await cp.keys.list({ status: opts.status, limit: opts.limit, next: opts.next });
      print(opts.output, page, () =>
        renderTable({
          head: ["Name", "Algorithm", "Key ID", "Status", "Created At", "Created By", "Removed At"],
          rows: page.items.map((k) => [k.name, k.algorithm, k.keyId, k.status, k.createdAt, k.createdBy ?? "unknown", k.removedAt ?? ""]),
        }),
      );
      printNext(opts.output, page.next);
    });
  });
  const remove = new Command("remove")
    .description("revoke a key: no bundle it signed, earlier ones included, verifies against the organization's keys any more (it stays listed with --status removed)")
    .requiredOption("--name <name>", "a registered key")
    .addOption(outputOption())
    .action(async (opts: Out & { name: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const k = await cp.keys.remove({ name: opts.name });
        if (opts.output === "table") io.info(`key ${k.name} removed`);
        print(opts.output, k, () => renderTable({ rows: detailRows(k) }));
      });
    });
  return new Command("key").description("signing keys registered for verified pushes").addCommand(add).addCommand(list).addCommand(remove);
}

function detailRows(k: OrgKeyView): string[][] {
  return [
    ["Name", k.name],
    ["Algorithm", k.algorithm],
    ["Key ID", k.keyId],
    ["Status", k.status],
    ["Created At", k.createdAt],
    ["Created By", k.createdBy ?? "unknown"],
    ...(k.removedAt ? [["Removed At", k.removedAt]] : []),
  ];
}
