import { describe, expect, test } from "bun:test";
import type { DeliveryRecord, WebhookRecord } from "../../store/webhook-port.ts";
import { renderBody, sendDelivery } from "./send.ts";

describe("renderBody", () => {
  test("replaces path by link in place, the same bytes every time", () => {
    const stored = JSON.stringify({ id: "d1", type: "run.blocked", path: "/runs/r1", organization: "o" });
    const out = renderBody(stored, "https://cairn.example");
    expect(out).toBe('{"id":"d1","type":"run.blocked","link":"https://cairn.example/runs/r1","organization":"o"}');
    expect(renderBody(stored, "https://cairn.example")).toBe(out);
  });

  test("a body without a path (or not a JSON object) is sent as stored", () => {
    for (const stored of ['{"id":"d1"}', '{"path":"relative"}', "[1,2]", "not json"]) expect(renderBody(stored, "https://x")).toBe(stored);
  });
});

describe("sendDelivery", () => {
  const delivery = { id: "d1", event: "run.blocked", body: "{}" } as DeliveryRecord;
  const opts = { publicUrl: "http://x", version: "1", env: {}, timeoutMs: 1000, now: new Date() };

  test("only http(s) URLs are sent to; anything else fails for good", async () => {
    expect(await sendDelivery(delivery, { url: "file:///etc/passwd", secretEnv: null } as WebhookRecord, opts)).toEqual({
      kind: "fatal",
      status: null,
      error: "the webhook URL is file: (only http and https are sent)",
    });
    expect((await sendDelivery(delivery, { url: "::", secretEnv: null } as WebhookRecord, opts)).kind).toBe("fatal");
  });

  test("a refused connection is a retry naming the failure", async () => {
    const a = await sendDelivery(delivery, { url: "http://127.0.0.1:1/hook", secretEnv: null } as WebhookRecord, opts);
    expect(a.kind).toBe("retry");
    expect(a.kind === "retry" && a.error).toMatch(/^request failed: /);
  });
});
