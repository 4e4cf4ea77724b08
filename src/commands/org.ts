import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { TokenView } from "../services/control/tokens.ts";
import { addPageOptions, outputOption, print, printNext, refuseRemote, withApp, withControlPlane, type OutputFormat } from "./shared.ts";
import { orgKeyCommand } from "./org-key.ts";

type Out = { output: OutputFormat };
type PageOpts = Out & { limit: number; next?: string };

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
        const r = setCurrentOrg(app, { name: opts.name });
        if (r.overriddenBy) app.reporter.warn(`CAIRN_ORG=${r.overriddenBy} is set and overrides this choice in this environment`);
        if (opts.output === "table") io.info(`current organization: ${r.name} (was ${r.previous})`);
        else io.json(r);
      });
    });
  const update = new Command("update")
    .description("set an organization's CAS blob size limit for `cairn serve` (on the machine holding the store)")
    .option("--name <name>", "organization (default: the current one)")
    .requiredOption("--max-blob <size>", "largest blob upload, e.g. 100MiB; `default` uses the server's --max-blob")
    .addOption(outputOption())
    .action(async (opts: Out & { name?: string; maxBlob: string }, c: Command) => {
      refuseRemote(c, "org update", "the limit is the operator's setting, changed where the store lives");
      const { parseSize } = await import("./serve.ts");
      const maxBlobBytes = opts.maxBlob === "default" ? null : parseSize(opts.maxBlob, "--max-blob");
      await withApp(c, async (app) => {
        const { setMaxBlobBytes } = await import("../services/control/orgs.ts");
        const r = setMaxBlobBytes(app, { name: opts.name, maxBlobBytes });
        const shown = r.maxBlobBytes === null ? "the server's --max-blob" : `${r.maxBlobBytes} bytes`;
        print(opts.output, r, () => renderTable({ rows: [["Name", r.name], ["Max Blob", shown]] }));
      });
    });
  return new Command("org")
    .alias("organization")
    .description("organizations (the current one scopes every command), their API tokens and signing keys")
    .addCommand(create)
    .addCommand(list)
    .addCommand(set)
    .addCommand(update)
    .addCommand(tokenCommand())
    .addCommand(orgKeyCommand());
}

function tokenCommand(): Command {
  const create = new Command("create")
    .description("create an API token; it is printed once and only its hash is stored")
    .requiredOption("--name <name>", "token name (DNS-1123)")
    .option("--project <name>", "restrict the token to this project")
    .option("--workflow <name>", "restrict the token to this workflow of --project")
    .option("--expiration <duration>", "expire after this long, e.g. 24h, 30d (default: never)")
    .option("--description <text>", "what the token is for")
    .addOption(outputOption())
    .action(async (opts: Out & { name: string; project?: string; workflow?: string; expiration?: string; description?: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const t = await cp.tokens.create({ name: opts.name, project: opts.project, workflow: opts.workflow, expiration: opts.expiration, description: opts.description });
        if (opts.output === "table") io.info("copy the token now: it is not shown again");
        print(opts.output, t, () => renderTable({ rows: [...detailRows(t), ["Token", t.token]] }));
      });
    });
  const list = addPageOptions(
    new Command("list")
      .description("list API tokens (never the tokens themselves)")
      .option("--status <status>", "active, revoked, expired or all", "active")
      .addOption(outputOption()),
  ).action(async (opts: PageOpts & { status: string }, c: Command) => {
    await withControlPlane(c, async (cp) => {
      const page = await cp.tokens.list({ status: opts.status, limit: opts.limit, next: opts.next });
      print(opts.output, page, () =>
        renderTable({
          head: ["ID", "Name", "Scope", "Status", "Created At", "Expires At", "Last Used"],
          rows: page.items.map((t) => [t.id, t.name, scope(t), t.status, t.createdAt, t.expiresAt ?? "never", t.lastUsedAt ?? ""]),
        }),
      );
      printNext(opts.output, page.next);
    });
  });
  const revoke = new Command("revoke")
    .description("revoke an API token (revoking twice changes nothing)")
    .requiredOption("--id <id>", "token id, as `org api-token list` shows it")
    .addOption(outputOption())
    .action(async (opts: Out & { id: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const t = await cp.tokens.revoke({ id: opts.id });
        if (opts.output === "table") io.info(t.alreadyRevoked ? `token ${t.name} was already revoked at ${t.revokedAt}` : `token ${t.name} revoked`);
        print(opts.output, t, () => renderTable({ rows: detailRows(t) }));
      });
    });
  return new Command("api-token").description("API tokens for `cairn serve` clients").addCommand(create).addCommand(list).addCommand(revoke);
}

function scope(t: TokenView): string {
  if (t.workflow) return `workflow ${t.project}/${t.workflow}`;
  return t.project ? `project ${t.project}` : "organization";
}

function detailRows(t: TokenView): string[][] {
  return [
    ["ID", t.id],
    ["Name", t.name],
    ["Scope", scope(t)],
    ["Status", t.status],
    ["Expires At", t.expiresAt ?? "never"],
    ...(t.revokedAt ? [["Revoked At", t.revokedAt]] : []),
    ...(t.description ? [["Description", t.description]] : []),
  ];
}
