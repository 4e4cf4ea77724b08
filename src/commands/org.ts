import { Command, Option } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { addPageOptions, outputOption, print, printNext, refuseRemote, withApp, withControlPlane, type OutputFormat } from "./shared.ts";
import { orgKeyCommand } from "./org-key.ts";
import { orgWebhookCommand } from "./org-webhook.ts";
import { tokenCommand } from "./org-token.ts";

type Out = { output: OutputFormat };
type PageOpts = Out & { limit: number; next?: string };
type UpdateOpts = Out & { name?: string; maxBlob?: string; implicitWorkflows?: "on" | "off" };

/** `cairn org create|list|set` and `cairn org api-token create|list|revoke`. */
export function orgCommand(): Command {
  const create = new Command("create")
    .description("create an organization (switch to it with `org set`)")
    .requiredOption("--name <name>", "organization name (DNS-1123: lowercase letters, digits, '-')")
    .addOption(outputOption())
    .action(async (opts: Out & { name: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const o = await cp.orgs.create({ name: opts.name });
        // Remotely a token fixes the organization: a token of the new one is how to work in it.
        const use = cp.config.remote ? "create a token in it to work there" : `use it with \`cairn org set --name ${o.name}\``;
        if (opts.output === "table") io.info(`organization ${o.name} created; ${use}`);
        print(opts.output, o, () => renderTable({ rows: [["Name", o.name], ["Created At", o.createdAt]] }));
      });
    });
  const list = addPageOptions(new Command("list").description("list organizations; * marks the current one").addOption(outputOption())).action(
    async (opts: PageOpts, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const page = await cp.orgs.list({ limit: opts.limit, next: opts.next });
        print(opts.output, page, () =>
          renderTable({ head: ["", "Name", "Created At"], rows: page.items.map((o) => [o.current ? "*" : "", o.name, o.createdAt]) }),
        );
        printNext(opts.output, page.next);
      });
    },
  );
  const set = new Command("set")
    .description("set the organization later commands use (env CAIRN_ORG still wins)")
    .requiredOption("--name <name>", "an existing organization")
    .addOption(outputOption())
    .action(async (opts: Out & { name: string }, c: Command) => {
      refuseRemote(c, "org set", "the API token decides the organization (use a token of the organization you want)");
      await withApp(c, async (app) => {
        const { setCurrentOrg } = await import("../services/control/orgs.ts");
        const r = await setCurrentOrg(app, { name: opts.name });
        if (r.overriddenBy) app.reporter.warn(`CAIRN_ORG=${r.overriddenBy} is set and overrides this choice in this environment`);
        if (opts.output === "table") io.info(`current organization: ${r.name} (was ${r.previous})`);
        else io.json(r);
      });
    });
  const update = new Command("update")
    .description("change an organization's settings: attestors creating workflows (here or remotely), its blob limit (on the store's machine)")
    .option("--name <name>", "organization (default: the current one; remotely: the token's)")
    .addOption(new Option("--implicit-workflows <on|off>", "whether an attestor's `att init` may create a missing workflow (default on)").choices(["on", "off"]))
    .option("--max-blob <size>", "largest blob upload for `cairn serve`, e.g. 100MiB; `default` uses the server's --max-blob (local only)")
    .addOption(outputOption())
    .action(async (opts: UpdateOpts, c: Command) => {
      if (opts.maxBlob !== undefined) refuseRemote(c, "org update --max-blob", "the limit is the operator's setting, changed where the store lives");
      const { parseSize } = await import("./serve.ts");
      const maxBlobBytes = opts.maxBlob === undefined ? undefined : opts.maxBlob === "default" ? null : parseSize(opts.maxBlob, "--max-blob");
      const implicitWorkflows = opts.implicitWorkflows === undefined ? undefined : opts.implicitWorkflows === "on";
      await withControlPlane(c, async (cp) => {
        const r = await cp.orgs.update({ name: opts.name, implicitWorkflows, maxBlobBytes });
        const rows = [["Name", r.name], ["Implicit Workflows", r.implicitWorkflows ? "on" : "off"]];
        if (r.maxBlobBytes !== undefined) rows.push(["Max Blob", r.maxBlobBytes === null ? "the server's --max-blob" : `${r.maxBlobBytes} bytes`]);
        print(opts.output, r, () => renderTable({ rows }));
      });
    });
  return new Command("org")
    .alias("organization")
    .description("organizations (the current one scopes every command), their API tokens, signing keys and webhooks")
    .addCommand(create)
    .addCommand(list)
    .addCommand(set)
    .addCommand(update)
    .addCommand(tokenCommand())
    .addCommand(orgKeyCommand())
    .addCommand(orgWebhookCommand());
}
