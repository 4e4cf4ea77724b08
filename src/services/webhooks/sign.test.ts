import { describe, expect, test } from "bun:test";
import { signWebhook, verifyWebhookSignature } from "./sign.ts";

// Vectors computed independently: printf '%s' '<t>.<body>' | openssl dgst -sha256 -hmac '<secret>'
const VECTORS = [
  { secret: "whsec_test", t: 1700000000, body: '{"id":"d1"}', hex: "7aa818774b12d07b487b77188a423aa42da8d52da13f1fface316ecdf0a91f53" },
  { secret: "s3cr3t", t: 1767225600, body: '{"type":"run.blocked","note":"café ✓"}', hex: "c8c97dc328ce895887e79cac7ad49ae5371ee66274dc73d9ca03897997dca3cc" },
];

describe("signWebhook", () => {
  test.each(VECTORS)("matches openssl for $body", ({ secret, t, body, hex }) => {
    expect(signWebhook(body, secret, t)).toBe(`t=${t},v1=${hex}`);
  });
});

describe("verifyWebhookSignature", () => {
  const { secret, t, body } = VECTORS[0]!;
  const header = signWebhook(body, secret, t);

  test("accepts a valid signature within the tolerance, either side", () => {
    expect(verifyWebhookSignature(header, body, secret, t)).toEqual({ ok: true, timestamp: t });
    expect(verifyWebhookSignature(header, body, secret, t + 300).ok).toBe(true);
    expect(verifyWebhookSignature(header, body, secret, t - 300).ok).toBe(true);
  });

  test("accepts when any of several v1 values matches (secret rotation)", () => {
    const other = signWebhook(body, "old-secret", t).split(",")[1]!;
    expect(verifyWebhookSignature(`${header.split(",")[0]},${other},${header.split(",")[1]}`, body, secret, t).ok).toBe(true);
  });

  test("refuses a changed body, a wrong secret, a changed timestamp", () => {
    expect(verifyWebhookSignature(header, body + " ", secret, t)).toEqual({ ok: false, reason: "no v1 signature matches the body" });
    expect(verifyWebhookSignature(header, body, "wrong", t).ok).toBe(false);
    expect(verifyWebhookSignature(header.replace(`t=${t}`, `t=${t + 1}`), body, secret, t).ok).toBe(false);
  });

  test("refuses an old or future timestamp outside the tolerance", () => {
    expect(verifyWebhookSignature(header, body, secret, t + 301).ok).toBe(false);
    expect(verifyWebhookSignature(header, body, secret, t - 301, 300).ok).toBe(false);
    expect(verifyWebhookSignature(header, body, secret, t + 1000, 3600).ok).toBe(true);
  });

  test("refuses a missing or malformed header with a reason", () => {
    expect(verifyWebhookSignature(null, body, secret, t)).toEqual({ ok: false, reason: "no Cairn-Signature header" });
    expect(verifyWebhookSignature("v1=abc", body, secret, t)).toEqual({ ok: false, reason: "the signature has no timestamp t=" });
    expect(verifyWebhookSignature(`t=${t}`, body, secret, t)).toEqual({ ok: false, reason: "the signature has no v1= HMAC-SHA256" });
    expect(verifyWebhookSignature(`t=${t},v1=zz`, body, secret, t).ok).toBe(false);
  });
});
