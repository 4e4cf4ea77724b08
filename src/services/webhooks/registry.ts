// `cairn org webhook add|list|remove|deliveries` and /api/v1/webhooks: the organization's webhook endpoints.
import { CairnError } from "../../errors.ts";
import type { DeliveryRecord, DeliveryState, WebhookEvent, WebhookRecord } from "../../store/webhook-port.ts";
import { checkName } from "../control/orgs.ts";
import { actorLabel } from "../control/roles.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";
import { checkEvents, checkSecretEnv, checkWebhookUrl, dnsResolver, type Resolver } from "./validate.ts";

/** A webhook as `org webhook list` and the server show it: the record without its internal ids. */
export type WebhookView = Omit<WebhookRecord, "id" | "orgId">;

/** One delivery, newest first in `org webhook deliveries`. */
export interface DeliveryView {
  id: string;
  event: WebhookEvent;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
  deliveredAt: string | null;
}

export interface WebhookAddInput {
  name: string;
  url: string;
  /** Absent: every event. */
  events?: string[];
  secretEnv?: string;
}

const view = (w: WebhookRecord): WebhookView => ({
  name: w.name,
  url: w.url,
  events: w.events,
  secretEnv: w.secretEnv,
  createdAt: w.createdAt,
  createdBy: w.createdBy,
  removedAt: w.removedAt,
});

const deliveryView = (d: DeliveryRecord): DeliveryView => ({
  id: d.id,
  event: d.event,
  state: d.state,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  createdAt: d.createdAt,
  nextAttemptAt: d.nextAttemptAt,
  deliveredAt: d.deliveredAt,
});

function duplicate(name: string, org: string): CairnError {
  return new CairnError("ALREADY_EXISTS", `--name ${name}: a webhook of that name is already registered in organization ${org}`, {
    hint: "pick another --name, or remove the old one first with `cairn org webhook remove --name NAME`",
  });
}

/**
 * `org webhook add`: validates everything (name, URL and its host, events, the secret's variable) before storing
 * anything; http to a host that is not loopback only warns. `resolve` is node:dns's lookup unless a test passes one.
 */
export async function addWebhook(deps: ServiceDeps, input: WebhookAddInput, resolve: Resolver = dnsResolver): Promise<WebhookView> {
  const name = checkName(input.name, "--name");
  const org = await deps.repo.findOrg(deps.config.organization);
  if (org && await deps.webhooks.find(org.id, name)) throw duplicate(name, org.name);
  const events = checkEvents(input.events);
  const secretEnv = checkSecretEnv(input.secretEnv, deps.config.env, deps.actor ? "server" : "local");
  const url = await checkWebhookUrl(input.url, resolve);
  if (url.plaintext) deps.reporter.warn(`--url ${url.url}: deliveries go over plain http (unencrypted); use https unless this network is closed`);
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const o = await deps.repo.ensureOrg(deps.config.organization, now);
    if (await deps.webhooks.find(o.id, name)) throw duplicate(name, o.name);
    return view(await deps.webhooks.add({ orgId: o.id, name, url: url.url, events, secretEnv, createdAt: now, createdBy: actorLabel(deps.actor) }));
  });
}

/** `org webhook list`: the live webhooks of the organization, by name (an organization has few). */
export async function listWebhooks(deps: ServiceDeps): Promise<Page<WebhookView>> {
  const org = await deps.repo.findOrg(deps.config.organization);
  return { items: org ? (await deps.webhooks.list(org.id)).map(view) : [] };
}

async function findWebhook(deps: ServiceDeps, name: string): Promise<WebhookRecord> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const w = org && await deps.webhooks.find(org.id, name);
  if (!w) {
    throw new CairnError("NOT_FOUND", `--name ${name}: no webhook of that name is registered in organization ${deps.config.organization}`, {
      hint: "list webhooks with `cairn org webhook list`",
    });
  }
  return w;
}

/** `org webhook remove`: no more deliveries; its pending ones are marked failed ("webhook removed"). */
export async function removeWebhook(deps: ServiceDeps, input: { name: string }): Promise<WebhookView> {
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const w = await findWebhook(deps, input.name);
    await deps.webhooks.remove(w.id, now);
    return view({ ...w, removedAt: now });
  });
}

/** `org webhook deliveries`: a live webhook's deliveries, newest first, keyset-paginated. */
export async function listDeliveries(deps: ServiceDeps, input: { name: string; limit?: number; next?: string }): Promise<Page<DeliveryView>> {
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const before = input.next === undefined ? undefined : seqCursor(input.next);
  const w = await findWebhook(deps, input.name);
  const page = toPage(await deps.webhooks.deliveries(w.id, limit + 1, before), limit, (d) => [d.seq]);
  return { ...page, items: page.items.map(deliveryView) };
}

function seqCursor(next: string): number {
  const [seq, ...rest] = decodeCursor(next);
  if (typeof seq !== "number" || !Number.isInteger(seq) || rest.length > 0) {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`org webhook deliveries\``, { hint: "pass the value printed by the previous page" });
  }
  return seq;
}
