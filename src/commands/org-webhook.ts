import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { WebhookView } from "../services/webhooks/registry.ts";
import { WEBHOOK_EVENTS } from "../store/webhook-port.ts";
import { addPageOptions, outputOption, print, printNext, withControlPlane, type OutputFormat } from "./shared.ts";

type Out = { output: OutputFormat };
type AddOpts = Out & { name: string; url: string; events?: string; secretEnv?: string };

/** `cairn org webhook add|list|remove|deliveries`: where `cairn serve` sends the organization's events. */
export function orgWebhookCommand(): Command {
  const add = new Command("add")
    .description("register a webhook: cairn serve POSTs the chosen events to the URL as signed JSON (docs/webhooks.md)")
    .requiredOption("--name <name>", "webhook name (DNS-1123)")
    .requiredOption("--url <url>", "https:// (or http:// in an air gap) URL receiving the deliveries; its host must resolve")
    .option("--events <list>", `comma-separated events (default: all): ${WEBHOOK_EVENTS.join(",")}`)
    .option("--secret-env <VAR>", "environment variable of the delivering server holding the signing secret (the secret is never stored)")
    .addOption(outputOption())
    .action(async (opts: AddOpts, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const events = opts.events === undefined ? undefined : opts.events.split(",");
        const w = await cp.webhooks.add({ name: opts.name, url: opts.url, events, secretEnv: opts.secretEnv });
        if (opts.output === "table") io.info(`webhook ${w.name} registered in organization ${await cp.organization()}`);
        print(opts.output, w, () => renderTable({ rows: detailRows(w) }));
      });
    });
  const list = new Command("list")
    .description("list the organization's webhooks")
    .addOption(outputOption())
    .action(async (opts: Out, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const page = await cp.webhooks.list();
        print(opts.output, page, () =>
          renderTable({
            head: ["Name", "URL", "Events", "Secret Env", "Created At", "Created By"],
            rows: page.items.map((w) => [w.name, w.url, w.events.join(","), w.secretEnv ?? "", w.createdAt, w.createdBy]),
          }),
        );
      });
    });
  const remove = new Command("remove")
    .description("remove a webhook: nothing more is sent to it, and its pending deliveries are marked failed")
    .requiredOption("--name <name>", "a registered webhook")
    .addOption(outputOption())
    .action(async (opts: Out & { name: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const w = await cp.webhooks.remove({ name: opts.name });
        if (opts.output === "table") io.info(`webhook ${w.name} removed`);
        print(opts.output, w, () => renderTable({ rows: detailRows(w) }));
      });
    });
  const deliveries = addPageOptions(
    new Command("deliveries").description("a webhook's deliveries, newest first").requiredOption("--name <name>", "a registered webhook").addOption(outputOption()),
  ).action(async (opts: Out & { name: string; limit: number; next?: string }, c: Command) => {
    await withControlPlane(c, async (cp) => {
      const page = await cp.webhooks.deliveries({ name: opts.name, limit: opts.limit, next: opts.next });
      print(opts.output, page, () =>
        renderTable({
          head: ["ID", "Event", "State", "Attempts", "Last Status", "Last Error", "Created At", "Next Attempt At", "Delivered At"],
          rows: page.items.map((d) => [
            d.id,
            d.event,
            d.state,
            String(d.attempts),
            d.lastStatus === null ? "" : String(d.lastStatus),
            d.lastError ?? "",
            d.createdAt,
            d.state === "pending" ? d.nextAttemptAt : "",
            d.deliveredAt ?? "",
          ]),
        }),
      );
      printNext(opts.output, page.next);
    });
  });
  return new Command("webhook").description("webhooks: the organization's events POSTed to a URL").addCommand(add).addCommand(list).addCommand(remove).addCommand(deliveries);
}

function detailRows(w: WebhookView): string[][] {
  return [
    ["Name", w.name],
    ["URL", w.url],
    ["Events", w.events.join(",")],
    ["Secret Env", w.secretEnv ?? ""],
    ["Created At", w.createdAt],
    ["Created By", w.createdBy],
    ...(w.removedAt ? [["Removed At", w.removedAt]] : []),
  ];
}
