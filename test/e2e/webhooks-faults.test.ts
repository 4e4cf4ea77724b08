// Webhook delivery under faults, through the compiled binary: `cairn serve` delivering to a real receiver in this
// process that is down, broken, slow, redirecting, or outlives a kill -9 of the server.
import { afterEach, describe, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { verifyWebhookSignature } from "../../src/services/webhooks/sign.ts";
import { FIXTURES } from "./harness.ts";
import { p99, Receiver, ServedHome, until } from "./webhooks.harness.ts";

const homes: ServedHome[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  receivers.splice(0).forEach((r) => r.down());
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function home(args: string[] = [], env: Record<string, string> = {}): Promise<ServedHome> {
  const h = new ServedHome();
  homes.push(h);
  return h.start(["--webhook-backoff", "1s", ...args], env);
}

function receiver(): Receiver {
  const r = new Receiver();
  receivers.push(r);
  return r;
}

const runIdOf = (body: string) => (JSON.parse(body) as { run?: { id: string } }).run?.id;

describe("webhook deliveries under faults (compiled binary)", () => {
  test("an endpoint down for a while, then up: every delivery arrives once, in order", async () => {
    const r = receiver();
    r.down(); // the port is known; nothing listens on it
    const h = await home();
    h.addHook("ci", r.url("/ci"), ["attestation.pushed"]);
    const pushed: string[] = [];
    for (const i of [0, 1, 2, 3, 4]) pushed.push((await h.push(i)).runId);
    await Bun.sleep(2500); // a few refused attempts of the first delivery
    expect(h.deliveries("ci")[0]!.attempts).toBeGreaterThanOrEqual(1);
    expect(h.deliveries("ci")[0]!.lastError).toContain("request failed");
    r.up();
    await until("5 deliveries", () => h.deliveries("ci").every((d) => d.state === "delivered"));
    const ids = h.deliveries("ci").map((d) => d.id);
    expect(r.at("/ci").map((a) => a.headers["cairn-delivery"])).toEqual(ids);
    expect(r.at("/ci").map((a) => runIdOf(a.body))).toEqual(pushed);
  }, 90_000);

  test("always 500: failed after the attempt limit, the next delivery goes on", async () => {
    const r = receiver();
    let broken = true;
    r.answer = () => new Response(broken ? "database is down" : null, { status: broken ? 500 : 200 });
    const h = await home(["--webhook-attempts", "3"]);
    h.addHook("ci", r.url("/ci"), ["attestation.pushed"]);
    await h.push(0);
    await until("the first delivery failed", () => h.deliveries("ci")[0]?.state === "failed");
    const [d] = h.deliveries("ci");
    expect(d).toMatchObject({ state: "failed", attempts: 3, lastStatus: 500 });
    expect(d!.lastError).toBe("HTTP 500: database is down (gave up after 3 attempts)");
    expect(r.at("/ci")).toHaveLength(3);
    expect(new Set(r.at("/ci").map((a) => a.headers["cairn-delivery"]))).toEqual(new Set([d!.id]));
    broken = false;
    await h.push(1);
    await until("the second delivered", () => h.deliveries("ci")[1]?.state === "delivered");
    expect(h.deliveries("ci")[0]!.state).toBe("failed");
  }, 90_000);

  test("a slow endpoint (10 s) does not slow pushes: p99 of 30 pushes with and without it", async () => {
    const r = receiver();
    r.answer = async () => (await Bun.sleep(10_000), new Response(null, { status: 200 }));
    const h = await home();
    for (let i = 0; i < 3; i++) await h.push(100 + i); // warm-up (page cache, the workflow's first runs)
    // Interleaved blocks of 5, so a load spike on the machine lands on both sides alike.
    const samples = { without: [] as number[], with: [] as number[], servedWithout: [] as number[], servedWith: [] as number[] };
    const served = () => [...h.srv.stderr().matchAll(/POST \/api\/v1\/attestations \d+ ([\d.]+)ms/g)].map((m) => Number(m[1]));
    for (let block = 0; block < 12; block++) {
      if (block % 2 === 1) h.addHook("slow", r.url("/slow"), ["attestation.pushed"]);
      const before = served().length;
      for (let i = 0; i < 5; i++) (block % 2 ? samples.with : samples.without).push((await h.push(block * 10 + i)).ms);
      (block % 2 ? samples.servedWith : samples.servedWithout).push(...served().slice(before));
      if (block % 2 === 1) h.sb.ok(["org", "webhook", "remove", "--name", "slow"]);
    }
    const [a, b] = [p99(samples.without), p99(samples.with)];
    console.log(
      `push p99 (client wall time, ${samples.without.length} without / ${samples.with.length} with the slow endpoint): ${a.toFixed(1)} ms / ${b.toFixed(1)} ms, ratio ${(b / a).toFixed(2)}; ` +
        `server-side POST /api/v1/attestations p99: ${p99(samples.servedWithout)} ms / ${p99(samples.servedWith)} ms`,
    );
    expect(r.at("/slow").length).toBeGreaterThanOrEqual(1); // it was being delivered to all along
    // Within 1.5× — or, on a loaded 2-core CI machine where one spike moves a p99 of 30, within 500 ms: a request that
    // waited on the 10 s endpoint would cost seconds, not milliseconds.
    expect(b).toBeLessThanOrEqual(Math.max(1.5 * a, a + 500));
    // SIGTERM with a delivery in flight: the worker's grace (at most 5 s), then a clean exit; it stays pending.
    h.addHook("slow", r.url("/slow"), ["attestation.pushed"]);
    await h.push(999);
    await until("a delivery in flight", () => r.at("/slow").length > 0 && h.deliveries("slow").length === 1 && r.received.at(-1)!.headers["cairn-delivery"] === h.deliveries("slow")[0]!.id);
    const stopping = performance.now();
    expect(await h.srv.stop()).toBe(0);
    expect(performance.now() - stopping).toBeLessThan(8000);
    expect(h.deliveries("slow")[0]).toMatchObject({ state: "pending", attempts: 0 });
  }, 240_000);

  test("kill -9 with undelivered events: after restart every one arrives, with the same ids (at least once)", async () => {
    const r = receiver();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    r.answer = async () => {
      if (first) {
        first = false;
        await held; // the first attempt is in flight when the server dies
      }
      return new Response(null, { status: 200 });
    };
    const h = await home();
    h.addHook("ci", r.url("/ci"), ["attestation.pushed"]);
    const pushed: string[] = [];
    for (const i of [0, 1, 2, 3]) pushed.push((await h.push(i)).runId);
    await until("the first attempt in flight", () => r.at("/ci").length === 1);
    const enqueued = h.deliveries("ci");
    expect(enqueued.map((d) => d.state)).toEqual(["pending", "pending", "pending", "pending"]);
    h.srv.proc.kill("SIGKILL");
    await h.srv.proc.exited;
    release();
    await h.restart(["--webhook-backoff", "1s"]);
    await until("all delivered after restart", () => h.deliveries("ci").every((d) => d.state === "delivered"));
    const received = r.at("/ci").map((a) => a.headers["cairn-delivery"]!);
    expect(new Set(received)).toEqual(new Set(enqueued.map((d) => d.id)));
    expect(received[0]).toBe(enqueued[0]!.id);
    expect(received.filter((id) => id === enqueued[0]!.id)).toHaveLength(2); // sent before the kill, unmarked: sent again
    expect([...new Set(received)]).toEqual(enqueued.map((d) => d.id)); // first arrivals in order
    expect(h.deliveries("ci").map((d) => d.id)).toEqual(enqueued.map((d) => d.id)); // ids stable
    const bodies = new Map(r.at("/ci").map((a) => [a.headers["cairn-delivery"], JSON.parse(a.body).id]));
    for (const [header, bodyId] of bodies) expect(bodyId).toBe(header);
    expect([...new Set(r.at("/ci").map((a) => runIdOf(a.body)))]).toEqual(pushed);
  }, 90_000);

  test("signed deliveries of contract.revised and of run.blocked after a gated push", async () => {
    const r = receiver();
    const secret = "whsec_e2e_0123456789";
    const h = await home([], { HOOK_SECRET: secret });
    h.addHook("sec", r.url("/sec"), ["contract.revised", "run.blocked"], ["--secret-env", "HOOK_SECRET"]);
    writeFileSync(h.client.path("gated.yaml"), readFileSync(join(FIXTURES, "contracts/gated.yaml"), "utf8"));
    cpSync(join(FIXTURES, "policies"), h.client.path("fx"), { recursive: true });
    h.remoteOk(["workflow", "contract", "create", "--name", "gated", "--file", "gated.yaml"]);
    h.remoteOk(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", "gated", "--replace"]);
    h.remoteOk(["att", "add", "--name", "sbom", "--value", "fx/sbom/banned.cdx.json"]);
    const pushed = h.remote(["att", "push", "--key", h.sb.path("cosign.key"), "-o", "json"]);
    expect(pushed.code).toBe(4);
    await until("2 deliveries", () => h.deliveries("sec").filter((d) => d.state === "delivered").length === 2);
    const [revised, blocked] = r.at("/sec");
    for (const a of [revised!, blocked!]) {
      expect(verifyWebhookSignature(a.headers["cairn-signature"], a.body, secret, Date.now() / 1000)).toMatchObject({ ok: true });
      expect(verifyWebhookSignature(a.headers["cairn-signature"], a.body, "another secret", Date.now() / 1000).ok).toBe(false);
      expect(a.headers["user-agent"]).toMatch(/^cairn\/\d+\.\d+\.\d+/);
      expect(a.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(a.body).type).toBe(a.headers["cairn-event"]);
    }
    expect(JSON.parse(revised!.body)).toMatchObject({ type: "contract.revised", contract: { name: "gated", revision: 1 }, link: `${h.srv.url}/contracts/gated` });
    const runId = JSON.parse(blocked!.body).run.id;
    expect(JSON.parse(blocked!.body)).toMatchObject({ type: "run.blocked", project: "skynet", workflow: "build", link: `${h.srv.url}/runs/${runId}` });
  }, 90_000);

  test("a redirect is not followed: the target receives nothing, the delivery fails", async () => {
    const r = receiver();
    r.answer = (_req, path) => (path === "/moved" ? new Response(null, { status: 307, headers: { location: r.url("/target") } }) : new Response(null, { status: 200 }));
    const h = await home(["--webhook-attempts", "2"]);
    h.addHook("moved", r.url("/moved"), ["attestation.pushed"]);
    await h.push(0);
    await until("failed", () => h.deliveries("moved")[0]?.state === "failed");
    expect(h.deliveries("moved")[0]).toMatchObject({ attempts: 2, lastStatus: 307 });
    expect(h.deliveries("moved")[0]!.lastError).toContain(`redirects are not followed; Location: ${r.url("/target")}`);
    expect(r.at("/moved")).toHaveLength(2);
    expect(r.at("/target")).toHaveLength(0);
  }, 90_000);
});
