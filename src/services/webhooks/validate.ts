// Checks of `org webhook add` (and POST /api/v1/webhooks): each refusal names the field and the fix; nothing is stored.
import { isIP } from "node:net";
import { CairnError } from "../../errors.ts";
import { WEBHOOK_EVENTS, type WebhookEvent } from "../../store/webhook-port.ts";

/** How a host name is resolved (node:dns lookup; tests may pass their own). */
export type Resolver = (host: string) => Promise<string[]>;

// node:dns is imported on the first lookup: a built-in imported statically is linked at every start of the binary.
export const dnsResolver: Resolver = async (host) => (await (await import("node:dns/promises")).lookup(host, { all: true })).map((a) => a.address);

export interface CheckedUrl {
  url: string;
  /** http to a host that is not loopback: allowed (air gaps), with a warning. */
  plaintext: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A URL deliveries can go to: http(s), no credentials, no fragment, a host that resolves. */
export async function checkWebhookUrl(text: string, resolve: Resolver = dnsResolver): Promise<CheckedUrl> {
  const shown = JSON.stringify(text.slice(0, 200));
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new CairnError("USAGE", `--url ${shown} is not a URL`, { hint: "pass an absolute URL, e.g. --url https://hooks.example.com/cairn" });
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    throw new CairnError("USAGE", `--url ${shown}: ${u.protocol.replace(/:$/, "")} is not supported; webhooks are delivered over https or http`, {
      hint: "use an https:// URL (http:// only inside an air gap)",
    });
  }
  if (u.username !== "" || u.password !== "") {
    throw new CairnError("USAGE", `--url ${JSON.stringify(`${u.protocol}//…@${u.host}${u.pathname}`)} carries credentials (user:password@); they would be stored and sent in clear`, {
      hint: "drop the user:password@ part; receivers authenticate deliveries by their signature (--secret-env VAR)",
    });
  }
  if (text.includes("#")) {
    throw new CairnError("USAGE", `--url ${shown} has a fragment (#…), which is never sent to the receiver`, { hint: "drop the #… part of the URL" });
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new CairnError("NOT_FOUND", `--url: the host ${host} does not resolve (${String(code ?? (e as Error).message)})`, {
      hint: "check the host name for typos; it must resolve from the machine that delivers (the cairn serve host)",
    });
  }
  if (addresses.length === 0) {
    throw new CairnError("NOT_FOUND", `--url: the host ${host} resolves to no address`, { hint: "check the host name; it must resolve from the machine that delivers" });
  }
  return { url: u.href, plaintext: u.protocol === "http:" && !addresses.every(isLoopback) };
}

export function isLoopback(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith("127.");
  const a = address.toLowerCase();
  return a === "::1" || a.startsWith("::ffff:127.");
}

/** `--events a,b` (absent: all); unknown names are refused with the list; stored in the order of WEBHOOK_EVENTS. */
export function checkEvents(events: readonly string[] | undefined): WebhookEvent[] {
  if (events === undefined) return [...WEBHOOK_EVENTS];
  const names = events.map((e) => e.trim()).filter((e) => e !== "");
  if (names.length === 0) throw new CairnError("USAGE", "--events is empty", { hint: `name one or more of ${WEBHOOK_EVENTS.join(", ")}, or drop --events for all` });
  const unknown = names.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0) {
    throw new CairnError("USAGE", `--events: ${unknown.map((e) => JSON.stringify(e.slice(0, 60))).join(", ")} ${unknown.length === 1 ? "is not an event" : "are not events"}`, {
      hint: `the events are: ${WEBHOOK_EVENTS.join(", ")}`,
    });
  }
  return WEBHOOK_EVENTS.filter((e) => names.includes(e));
}

/** Through `cairn serve`, a webhook may only be signed with a variable of this namespace (see checkSecretEnv). */
export const SERVER_SECRET_PREFIX = "CAIRN_WEBHOOK_";

/**
 * `--secret-env VAR`: a variable name set (non-empty) in the environment of the process that delivers — `env` is
 * that process's (the server's, through `cairn serve`). Only the name is stored, never the secret. Through the
 * server the name must start with CAIRN_WEBHOOK_: any other variable of the server's (a database password, cloud
 * credentials) would become an HMAC key the caller's receiver sees signatures of, an offline guessing oracle, and
 * "is not set" would tell a token holder which variables the server has. The prefix is checked before the value.
 */
export function checkSecretEnv(name: string | undefined, env: Record<string, string | undefined>, where: "server" | "local"): string | null {
  if (name === undefined) return null;
  if (!ENV_NAME.test(name)) {
    throw new CairnError("USAGE", `--secret-env ${JSON.stringify(name.slice(0, 60))} is not an environment variable name`, {
      hint: "pass the NAME of the variable holding the secret (letters, digits, _; not starting with a digit), e.g. --secret-env CAIRN_WEBHOOK_SECRET",
    });
  }
  if (where === "server" && (!name.startsWith(SERVER_SECRET_PREFIX) || name.length === SERVER_SECRET_PREFIX.length)) {
    throw new CairnError("USAGE", `--secret-env ${name}: through cairn serve, webhook secrets come from variables named ${SERVER_SECRET_PREFIX}…`, {
      hint: `set the secret in the server's environment as e.g. ${SERVER_SECRET_PREFIX}${name.replace(/^CAIRN_WEBHOOK_/, "") || "SECRET"} and pass that name; no other variable of the server's can sign deliveries`,
    });
  }
  if (!env[name]) {
    const of = where === "server" ? "the cairn serve server (which signs the deliveries)" : "this shell";
    throw new CairnError("USAGE", `--secret-env ${name}: the variable is not set (or is empty) in the environment of ${of}`, {
      hint: `set ${name} to the shared secret in the environment of ${where === "server" ? "the server" : "this shell and of the cairn serve that delivers"}, then add the webhook again`,
    });
  }
  return name;
}
