import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The `Cairn-Signature` header of a webhook delivery (docs/webhooks.md), in the Stripe style:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`. Signing the timestamp with the body lets a
 * receiver refuse replays older than its tolerance. Pure: the time is an argument.
 */
export function signWebhook(body: string, secret: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, `${unixSeconds}.${body}`)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * A receiver's check of `Cairn-Signature` over the raw body bytes as received: some `v1` must match, and `t` be within
 * `toleranceSeconds` of `now` (unix seconds) either way. Compares in constant time.
 *
 * @example
 * const check = verifyWebhookSignature(req.headers.get("cairn-signature"), await req.text(), secret, Date.now() / 1000);
 * if (!check.ok) return new Response(check.reason, { status: 400 });
 */
export function verifyWebhookSignature(header: string | null | undefined, body: string, secret: string, now: number, toleranceSeconds = 300): SignatureCheck {
  if (!header) return { ok: false, reason: "no Cairn-Signature header" };
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const i = part.indexOf("=");
    const [key, value] = [part.slice(0, i).trim(), part.slice(i + 1).trim()];
    if (key === "t" && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/.test(value)) v1.push(value);
  }
  if (t === undefined) return { ok: false, reason: "the signature has no timestamp t=" };
  if (v1.length === 0) return { ok: false, reason: "the signature has no v1= HMAC-SHA256" };
  if (Math.abs(now - t) > toleranceSeconds) return { ok: false, reason: `the signature's timestamp is more than ${toleranceSeconds}s from now` };
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`), "hex");
  if (!v1.some((v) => timingSafeEqual(Buffer.from(v, "hex"), expected))) return { ok: false, reason: "no v1 signature matches the body" };
  return { ok: true, timestamp: t };
}

function hmacHex(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data, "utf8").digest("hex");
}
