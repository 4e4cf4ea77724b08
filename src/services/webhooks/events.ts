// The events webhooks report (docs/webhooks.md): the body of a delivery, and enqueueing one in the event's transaction.
import type { WebhookEvent } from "../../store/webhook-port.ts";
import type { ServiceDeps } from "../deps.ts";

/** What an event says about what it happened to; each key is omitted from the body when absent. */
export interface EventFields {
  /** The organization's name. */
  organization: string;
  project?: string;
  workflow?: string;
  run?: { id: string; state: string; policyStatus?: string | null };
  /** `previousRevision` is null for revision 1 of a new contract. */
  contract?: { name: string; revision: number; previousRevision?: number | null; createdBy?: string | null };
  digests?: { attestation?: string; provenance?: string };
  /**
   * The web view's page of the event (the worker prefixes the server's public URL into `link`). Absent: the run's
   * page for a run event, the contract's for a contract event, else the workflow's.
   */
  path?: string;
}

const seg = encodeURIComponent;

/** The page of the web view (src/server/web) an event links to. */
export function eventPath(f: EventFields): string | undefined {
  if (f.path !== undefined) return f.path;
  if (f.run) return `/runs/${seg(f.run.id)}`;
  if (f.contract) return `/contracts/${seg(f.contract.name)}`;
  if (f.project !== undefined && f.workflow !== undefined) return `/workflows/${seg(f.project)}/${seg(f.workflow)}`;
  return undefined;
}

/**
 * The JSON body of one delivery, keys in a fixed order (receivers and signatures see the same bytes for the same
 * event): id, type, organization, project, workflow, run, contract, digests, path, time. Pure.
 *
 * @example eventBody("d1", "run.failed", { organization: "acme", run: { id: "r1", state: "failed" } }, "2026-01-01T00:00:00.000Z")
 */
export function eventBody(deliveryId: string, event: WebhookEvent, fields: EventFields, now: string): string {
  const { run, contract, digests } = fields;
  const body = {
    id: deliveryId,
    type: event,
    organization: fields.organization,
    project: fields.project,
    workflow: fields.workflow,
    run: run && { id: run.id, state: run.state, policyStatus: run.policyStatus ?? undefined },
    contract: contract && {
      name: contract.name,
      revision: contract.revision,
      previousRevision: contract.previousRevision,
      createdBy: contract.createdBy ?? undefined,
    },
    digests: digests && (digests.attestation !== undefined || digests.provenance !== undefined) ? { attestation: digests.attestation, provenance: digests.provenance } : undefined,
    path: eventPath(fields),
    time: now,
  };
  // JSON.stringify drops undefined members and keeps insertion order; previousRevision null stays (revision 1).
  return JSON.stringify(body);
}

/**
 * Enqueues one delivery of `event` per live webhook of the organization subscribed to it. Call it inside the
 * transaction that makes the event happen, so the delivery exists exactly when the event was committed. `fields` may
 * be a function: it is called (once) only when some webhook is subscribed, so an organization without webhooks pays
 * one indexed query and nothing else. Returns how many deliveries were enqueued.
 */
export async function enqueueEvent(
  deps: Pick<ServiceDeps, "webhooks" | "clock">,
  orgId: string,
  event: WebhookEvent,
  fields: EventFields | (() => Promise<EventFields>),
): Promise<number> {
  const now = deps.clock.now().toISOString();
  let resolved: EventFields;
  if (typeof fields === "function") {
    // Asked for only when some live webhook of the organization is subscribed to the event.
    if (!(await deps.webhooks.list(orgId)).some((h) => h.events.includes(event))) return 0;
    resolved = await fields();
  } else resolved = fields;
  return await deps.webhooks.enqueue({ orgId, event, now, body: (id) => eventBody(id, event, resolved, now) });
}
