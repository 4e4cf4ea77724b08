import { forbidden, roleAtLeast } from "../../services/control/roles.ts";
import { listDeliveries, listWebhooks, type DeliveryView, type WebhookView } from "../../services/webhooks/registry.ts";
import { when } from "./format.ts";
import { href, html, type Html } from "./html.ts";
import type { View } from "./index.ts";

/** Deliveries shown per webhook on the list; one webhook's page (`?name=`) shows a page of DETAIL with older ones linked. */
const RECENT = 10;
const DETAIL = 50;

const BADGE: Record<DeliveryView["state"], string> = { delivered: "s-passing", pending: "s-stale", failed: "s-failing" };

/**
 * `GET /webhooks[?name&next]`: the organization's webhooks and their recent deliveries, with state, attempts and the last
 * error (maintainers and admins: URLs and errors may name internal hosts).
 */
export async function webhooksPage({ deps, principal }: View, url: URL): Promise<{ title: string; body: Html }> {
  if (!roleAtLeast(principal.role, "maintainer")) throw forbidden("the webhooks", "maintainer", principal.role);
  const name = url.searchParams.get("name") || undefined;
  const hooks = (await listWebhooks(deps)).items.filter((w) => name === undefined || w.name === name);
  const now = deps.clock.now();
  const sections = await Promise.all(hooks.map(async (w) => {
    const page = await listDeliveries(deps, { name: w.name, limit: name ? DETAIL : RECENT, next: (name && url.searchParams.get("next")) || undefined });
    const more = page.next ? html`<p><a class="webhook-older" href="${href(["webhooks"], { name: w.name, next: page.next })}">Older deliveries</a></p>` : "";
    return section(w, page.items, now, more);
  }));
  return {
    title: "Webhooks",
    body: html`<h1>Webhooks</h1>
<p class="muted">Where this server POSTs the organization's events (docs/webhooks.md): delivered at least once, in order per webhook,
retried with backoff until the attempt limit, then failed. Register them with <code>cairn org webhook add</code>.</p>
${sections.length ? sections : html`<p class="muted" id="no-webhooks">${name ? `No webhook ${name}.` : "No webhooks are registered."}</p>`}`,
  };
}

function section(w: WebhookView, items: DeliveryView[], now: Date, more: Html | string): Html {
  const rows = items.map((d) => row(d, now));
  return html`<section class="webhook" data-webhook="${w.name}">
<h2><a href="${href(["webhooks"], { name: w.name })}">${w.name}</a></h2>
<p><code>${w.url}</code> · ${w.events.join(", ")} · ${w.secretEnv ? html`signed with <code>${w.secretEnv}</code>` : "unsigned"}</p>
${rows.length ? html`<table class="deliveries"><thead><tr><th>Created</th><th>Event</th><th>State</th><th>Attempts</th><th>Last status</th><th>Last error</th><th>Next attempt / delivered</th><th>Delivery</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="muted">No deliveries yet.</p>`}
${more}</section>`;
}

function row(d: DeliveryView, now: Date): Html {
  const at = d.state === "delivered" ? when(d.deliveredAt, now) : d.state === "pending" ? when(d.nextAttemptAt, now) : html`<span class="muted">—</span>`;
  return html`<tr data-delivery="${d.id}" data-state="${d.state}"><td>${when(d.createdAt, now)}</td><td><code>${d.event}</code></td>
<td><span class="badge ${BADGE[d.state]}">${d.state}</span></td><td>${d.attempts}</td><td>${d.lastStatus ?? ""}</td>
<td class="error">${d.lastError ?? ""}</td><td>${at}</td><td><code>${d.id}</code></td></tr>`;
}
