// `cairn serve` through the compiled binary: limits, and SIGTERM with an upload in flight.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./harness.ts";
import { serve } from "./serve.harness.ts";

const sb = new Sandbox();
let token = "";

beforeAll(() => {
  sb.ok(["org", "create", "--name", "acme"]);
  token = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--role", "maintainer"]).token;
});
afterAll(() => sb.cleanup());

const auth = () => ({ Authorization: `Bearer ${token}` });
const tmpFiles = () => {
  try {
    return readdirSync(join(sb.home, "cas", "tmp"));
  } catch {
    return [];
  }
};

/** A request body that sends `chunk` every `everyMs`, `count` times (forever when count is Infinity). */
function slowBody(chunk: number, everyMs: number, count: number, sent: { n: number }): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      if (sent.n >= count) return c.close();
      await Bun.sleep(everyMs);
      sent.n++;
      c.enqueue(new Uint8Array(chunk).fill(sent.n % 256));
    },
  });
}

describe("limits", () => {
  test("413 for bodies and blobs over the limits, 400 for malformed JSON, digests and path tricks", async () => {
    const srv = await serve(sb, ["--max-body", "1KiB", "--max-blob", "64KiB"]);
    try {
      const post = (path: string, body: RequestInit["body"]) => fetch(srv.url + path, { method: "POST", headers: auth(), body });
      const big = await post("/api/v1/workflows", JSON.stringify({ name: "x", project: "p", description: "d".repeat(2048) }));
      expect([big.status, ((await big.json()) as { error: { code: string } }).error.code]).toEqual([413, "TOO_LARGE"]);
      expect((await post("/api/v1/blobs", new Uint8Array(64 * 1024 + 1))).status).toBe(413);
      const sent = { n: 0 };
      expect((await post("/api/v1/blobs", slowBody(8192, 0, 1000, sent))).status).toBe(413);
      expect(sent.n).toBeLessThan(1000); // refused while streaming, not after reading it all
      expect(tmpFiles()).toEqual([]);
      expect((await post("/api/v1/blobs", new Uint8Array(64 * 1024))).status).toBe(201);
      expect((await post("/api/v1/workflows", "{not json")).status).toBe(400);
      const get = (path: string) => fetch(srv.url + path, { headers: auth() }).then((r) => r.status);
      expect(await get("/api/v1/blobs/sha256:1234")).toBe(400);
      expect(await get("/api/v1/discover/sha256:zz")).toBe(400);
      expect(await get("/api/v1/workflows/a%2F..%2Fb/c")).toBe(400);
      expect(await get(`/api/v1/workflows/${"x".repeat(5000)}/c`)).toBe(400);
      expect(await get("/api/v1/nope")).toBe(404);
      expect((await fetch(`${srv.url}/api/v1/whoami`, { method: "DELETE", headers: auth() })).status).toBe(405);
      expect(srv.stderr()).not.toContain(token.slice(6));
    } finally {
      expect(await srv.stop()).toBe(0);
    }
  }, 30_000);
});

describe("SIGTERM", () => {
  test("an upload in flight finishes, then the server exits 0 and the store passes fsck", async () => {
    const srv = await serve(sb);
    const sent = { n: 0 };
    const upload = fetch(`${srv.url}/api/v1/blobs?name=slow.bin`, { method: "POST", headers: auth(), body: slowBody(4096, 30, 20, sent) });
    while (sent.n < 3) await Bun.sleep(10);
    srv.proc.kill("SIGTERM");
    const res = await upload;
    expect(res.status).toBe(201);
    expect(((await res.json()) as { size: number }).size).toBe(20 * 4096);
    expect(await srv.proc.exited).toBe(0);
    expect(srv.stderr()).toContain("cairn serve: stopped");
    await expect(fetch(`${srv.url}/api/v1/whoami`, { headers: auth() })).rejects.toThrow();
    const fsck = sb.json<{ ok: boolean }>(["store", "fsck"]);
    expect(fsck.ok).toBe(true);
    expect(tmpFiles()).toEqual([]);
  }, 30_000);

  test("an upload that does not finish within the grace period is cut: exit 0, nothing half-written, fsck passes", async () => {
    const srv = await serve(sb, ["--shutdown-grace", "1s"]);
    const sent = { n: 0 };
    const upload = fetch(`${srv.url}/api/v1/blobs`, { method: "POST", headers: auth(), body: slowBody(4096, 50, Infinity, sent) }).then(
      (r) => r.status,
      () => "cut",
    );
    while (sent.n < 3) await Bun.sleep(10);
    const before = sb.counts();
    srv.proc.kill("SIGTERM");
    expect(await srv.proc.exited).toBe(0);
    expect(await upload).toBe("cut");
    expect(srv.stderr()).toContain("still running after 1000ms");
    expect(sb.counts()).toEqual(before);
    expect(sb.json<{ ok: boolean }>(["store", "fsck"]).ok).toBe(true);
    expect(tmpFiles()).toEqual([]); // the handler removed its tmp file before the store closed
  }, 30_000);
});
