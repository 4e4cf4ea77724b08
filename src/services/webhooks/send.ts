import type { Env } from "../../config.ts";
import type { DeliveryRecord, WebhookRecord } from "../../store/webhook-port.ts";
import { signWebhook } from "./sign.ts";

/** How much of an endpoint's answer is read (for last_error); the rest of the stream is cancelled. */
export const RESPONSE_BYTES = 4096;

export interface SendOptions {
  /** The server's public URL (no trailing slash): a body's `"path"` becomes `"link": publicUrl + path`. */
  publicUrl: string;
  version: string;
  /** The server's environment, where a webhook's `secretEnv` is looked up at each attempt. */
  env: Env;
  timeoutMs: number;
  now: Date;
  /** Aborted when the worker stops: the attempt then leaves no mark (the delivery is sent again after restart). */
  stop?: AbortSignal;
}

/** One attempt's result; `retry` and `fatal` carry what the delivery's last_error says. */
export type Attempt =
  | { kind: "delivered"; status: number }
  | { kind: "retry"; status: number | null; error: string }
  | { kind: "fatal"; status: null; error: string }
  | { kind: "stopped" };

/**
 * The bytes sent: the stored body with its `"path"` member replaced, in place, by `"link"` (the public URL and the path).
 * Deterministic: the same stored body and public URL give the same bytes on every attempt.
 */
export function renderBody(stored: string, publicUrl: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return stored;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return stored;
  const path = (parsed as Record<string, unknown>).path;
  if (typeof path !== "string" || !path.startsWith("/")) return stored;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (k === "path") out.link = publicUrl + path;
    else out[k] = v;
  }
  return JSON.stringify(out);
}

/** POSTs one delivery to its webhook's URL, exactly (no redirects followed), within the timeout. Never throws. */
export async function sendDelivery(d: DeliveryRecord, w: WebhookRecord, o: SendOptions): Promise<Attempt> {
  let url: URL;
  try {
    url = new URL(w.url);
  } catch {
    return { kind: "fatal", status: null, error: `the webhook URL ${JSON.stringify(w.url)} is not a URL` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { kind: "fatal", status: null, error: `the webhook URL is ${url.protocol} (only http and https are sent)` };
  const body = renderBody(d.body, o.publicUrl);
  const headers: Record<string, string> = { "Content-Type": "application/json", "Cairn-Event": d.event, "Cairn-Delivery": d.id, "User-Agent": `cairn/${o.version}` };
  if (w.secretEnv !== null) {
    const secret = o.env[w.secretEnv];
    if (!secret) return { kind: "retry", status: null, error: `secret variable ${w.secretEnv} is not set in the server's environment (the delivery is never sent unsigned)` };
    headers["Cairn-Signature"] = signWebhook(body, secret, Math.floor(o.now.getTime() / 1000));
  }
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), ctl.abort()), o.timeoutMs);
  const onStop = () => ctl.abort();
  o.stop?.addEventListener("abort", onStop);
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: ctl.signal });
    const text = await readHead(res);
    if (res.status >= 200 && res.status < 300) return { kind: "delivered", status: res.status };
    const where = res.status >= 300 && res.status < 400 ? ` (redirects are not followed; Location: ${res.headers.get("location") ?? "none"})` : "";
    return { kind: "retry", status: res.status, error: `HTTP ${res.status}${where}${text ? `: ${text}` : ""}` };
  } catch (e) {
    if (o.stop?.aborted && !timedOut) return { kind: "stopped" };
    if (timedOut) return { kind: "retry", status: null, error: `no answer within ${o.timeoutMs / 1000}s (timeout)` };
    const err = e as { code?: string; message?: string };
    return { kind: "retry", status: null, error: `request failed: ${[err.code, err.message ?? String(e)].filter(Boolean).join(": ")}` };
  } finally {
    clearTimeout(timer);
    o.stop?.removeEventListener("abort", onStop);
  }
}

/** At most RESPONSE_BYTES of the answer as text (control characters as spaces); the rest is cancelled, never read. */
async function readHead(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_BYTES) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A broken or timed-out answer body: its status stands, with what was read.
  } finally {
    if (size >= RESPONSE_BYTES) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = Buffer.concat(chunks).subarray(0, RESPONSE_BYTES);
  return new TextDecoder().decode(bytes).replace(/[\x00-\x1f\x7f]+/g, " ").trim();
}
