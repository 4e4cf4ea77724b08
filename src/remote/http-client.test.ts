import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CairnError } from "../errors.ts";
import { expectCode } from "../test-helpers.ts";
import { apiFixture, type Api } from "../server/api.testutil.ts";
import { remoteConfig } from "../config.ts";
import { RemoteClient } from "./http-client.ts";

let api: Api;
beforeAll(async () => {
  api = await apiFixture();
});
afterAll(() => api.cleanup());

describe("RemoteClient against a real server", () => {
  const client = () => new RemoteClient({ url: api.url.replace(/\/$/, ""), token: api.tokens.org });

  test("JSON calls with query parameters", async () => {
    const page = await client().json<{ items: { name: string }[] }>("GET", "/api/v1/workflows", { query: { project: "p1", limit: 1 } });
    expect(page.items).toHaveLength(1);
  });

  test("the server's error body becomes the same CairnError: code, message, hint", async () => {
    const e = await expectCode(() => client().json("GET", "/api/v1/workflows/p1/nope"), "NOT_FOUND");
    expect(e.message).toContain("nope");
    expect(e.hint).toBeString();
    const bad = new RemoteClient({ url: api.url.replace(/\/$/, ""), token: `cairn_${"A".repeat(43)}` });
    await expectCode(() => bad.json("GET", "/api/v1/whoami"), "UNAUTHENTICATED");
  });

  test("service warnings come back through the warn callback, commas and all", async () => {
    const warnings: string[] = [];
    await client().json("POST", "/api/v1/workflows", { body: { name: "build", project: "p1", skipIfExists: true, description: "x, y" } }, (w) => void warnings.push(w));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("already exists");
  });

  test("an unreachable server or a non-cairn answer is IO with a hint", async () => {
    const gone = new RemoteClient({ url: "http://127.0.0.1:1", token: api.tokens.org });
    const e = await expectCode(() => gone.json("GET", "/api/v1/whoami"), "IO");
    expect(e.hint).toContain("--control-plane");
    const html = new RemoteClient({ url: "http://x", token: "t" }, (async () => new Response("<h1>bad gateway</h1>", { status: 502 })) as unknown as typeof fetch);
    const proxy = await expectCode(() => html.json("GET", "/api/v1/whoami"), "IO");
    expect(proxy.message).toContain("502");
  });
});

describe("remoteConfig", () => {
  test("both or neither; http(s) only; trailing slashes dropped", async () => {
    expect(remoteConfig(undefined, undefined)).toBeUndefined();
    expect(remoteConfig("http://h:8080/", "t")).toEqual({ url: "http://h:8080", token: "t" });
    for (const [u, t] of [["http://h", undefined], [undefined, "t"], ["ftp://h", "t"], ["not a url", "t"]] as const) {
      expect(() => remoteConfig(u, t)).toThrow(CairnError);
    }
  });
});
