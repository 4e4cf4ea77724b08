// Unit tests of challenge parsing and the retry/backoff policy, with an injected fetch and a recording sleep.
import { describe, expect, test } from "bun:test";
import { parseChallenge } from "./auth.ts";
import { RegistryHttp, retryDelay } from "./http.ts";
import { registryErrorText } from "./registry-errors.ts";

describe("parseChallenge", () => {
  test("bearer with quoted params holding commas and spaces", () => {
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="reg.example.com",scope="repository:a/b:pull,push repository:c:pull"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.example.com/token", service: "reg.example.com", scope: "repository:a/b:pull,push repository:c:pull" },
    });
  });
  test("basic, unquoted values, absent header", () => {
    expect(parseChallenge('Basic realm="x"')).toEqual({ scheme: "basic", params: { realm: "x" } });
    expect(parseChallenge("Bearer realm=https://a/t,service=s")?.params).toEqual({ realm: "https://a/t", service: "s" });
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe("retries", () => {
  test("retryDelay: exponential from backoffMs, Retry-After seconds win", () => {
    expect([0, 1, 2, 3].map((a) => retryDelay(a, 100, null))).toEqual([100, 200, 400, 800]);
    expect(retryDelay(2, 100, "3")).toBe(3000);
    expect(retryDelay(0, 100, "Wed, 21 Oct 2015 07:28:00 GMT")).toBe(100);
  });

  function scripted(statuses: (number | "refused")[], headers: Record<string, string> = {}) {
    const seen: { method: string; body?: string }[] = [];
    const f = Object.assign(async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push({ method: init?.method ?? "GET", body: init?.body ? new TextDecoder().decode(init.body as Uint8Array) : undefined });
      const s = statuses.shift() ?? 200;
      if (s === "refused") throw new TypeError("Unable to connect. Is the computer able to access the url?");
      return new Response(s === 200 ? "{}" : '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', { status: s, headers });
    }, { preconnect: fetch.preconnect });
    return { f, seen };
  }

  test("5xx, 429 and connection errors are retried with backoff; the same body is resent", async () => {
    const { f, seen } = scripted([503, "refused", 429, 200]);
    const slept: number[] = [];
    const http = new RegistryHttp({ registry: "r.example", fetch: f, backoffMs: 10, retries: 4 }, async (ms) => { slept.push(ms); });
    const res = await http.send({ method: "PATCH", url: "/v2/a/blobs/uploads/1", what: "chunk", body: new TextEncoder().encode("abc"), ok: [200] });
    expect(res.status).toBe(200);
    expect(slept).toEqual([10, 20, 40]);
    expect(seen.map((s) => s.body)).toEqual(["abc", "abc", "abc", "abc"]);
  });

  test("Retry-After is honoured; after `retries` the error is NETWORK with the registry's error", async () => {
    const { f } = scripted([429, 429, 429], { "retry-after": "2" });
    const slept: number[] = [];
    const http = new RegistryHttp({ registry: "r.example", fetch: f, backoffMs: 10, retries: 2 }, async (ms) => { slept.push(ms); });
    const err = await http.send({ method: "GET", url: "/v2/", what: "ping", ok: [200] }).catch((e) => e);
    expect(slept).toEqual([2000, 2000]);
    expect(err.code).toBe("NETWORK");
    expect(err.message).toContain("registry r.example: GET ping failed with 429: TOOMANYREQUESTS: slow down");
  });

  test("4xx other than 401/404 is not retried", async () => {
    const { f, seen } = scripted([400]);
    const http = new RegistryHttp({ registry: "r.example", fetch: f, backoffMs: 1 }, async () => {});
    await expect(http.send({ method: "GET", url: "/v2/", what: "ping", ok: [200] })).rejects.toMatchObject({ code: "NETWORK" });
    expect(seen).toHaveLength(1);
  });

  test("registryErrorText reads errors[] or falls back to text", () => {
    expect(registryErrorText('{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown"}]}')).toBe("MANIFEST_BLOB_UNKNOWN: blob unknown");
    expect(registryErrorText("<html>bad gateway</html>")).toBe("<html>bad gateway</html>");
  });
});
