import { Command, Option } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { DEFAULT_ROLE, ROLES } from "../services/control/roles.ts";
import type { TokenView } from "../services/control/tokens.ts";
import { addPageOptions, outputOption, print, printNext, withControlPlane, type OutputFormat } from "./shared.ts";

type Out = { output: OutputFormat };
type PageOpts = Out & { limit: number; next?: string };

/** `cairn org api-token create|list|revoke`: tokens of `cairn serve`, each with one role (least privilege by default). */
export function tokenCommand(): Command {
  const create = new Command("create")
    .description("create an API token; it is printed once and only its hash is stored")
    .requiredOption("--name <name>", "token name (DNS-1123)")
    .option("--project <name>", "restrict the token to this project")
    .option("--workflow <name>", "restrict the token to this workflow of --project")
    .addOption(new Option("--role <role>", "what the token may do: viewer, attestor (CI), maintainer (SecOps), admin").choices([...ROLES]).default(DEFAULT_ROLE))
    .option("--expiration <duration>", "expire after this long, e.g. 24h, 30d (default: never)")
    .option("--description <text>", "what the token is for")
    .addOption(outputOption())
    .action(async (opts: Out & { name: string; project?: string; workflow?: string; role: string; expiration?: string; description?: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const { name, project, workflow, role, expiration, description } = opts;
        const t = await cp.tokens.create({ name, project, workflow, role, expiration, description });
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
          head: ["ID", "Name", "Role", "Scope", "Status", "Created At", "Expires At", "Last Used"],
          rows: page.items.map((t) => [t.id, t.name, t.role, scope(t), t.status, t.createdAt, t.expiresAt ?? "never", t.lastUsedAt ?? ""]),
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
    ["Role", t.role],
    ["Scope", scope(t)],
    ["Status", t.status],
    ["Created By", t.createdBy ?? "unknown"],
    ["Expires At", t.expiresAt ?? "never"],
    ...(t.revokedAt ? [["Revoked At", t.revokedAt]] : []),
    ...(t.description ? [["Description", t.description]] : []),
  ];
}
