// `cairn org webhook add|list|remove|deliveries` through the compiled binary: locally on the store's machine, and
// through `cairn serve` with a maintainer token (validated on the server: its DNS, its environment). No delivery
// worker runs here, so a push's delivery stays pending.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

interface Hook {
  name: string;
  url: string;
  events: string[];
  secretEnv: string | null;
  createdBy: string;
  removedAt: string | null;
}
interface Delivery {
  id: string;
  event: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

const sb = new Sandbox();
const client = new Sandbox(); // another machine: no store, only --control-plane and a token
let srv: Served;
let remote: Record<string, string>;
const LOOP = "http://127.0.0.1:9/hook";

function rows<T>(sql: string): T[] {
  const db = new Database(join(sb.home, "cairn.db"), { readonly: true });
  try {
    return db.query(sql).all() as T[];
  } finally {
    db.close();
  }
}
const stored = () => rows<{ name: string }>("SELECT name FROM webhooks WHERE removed_at IS NULL ORDER BY name").map((r) => r.name);

beforeAll(async () => {
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
  writeFileSync(sb.path("app.bin"), "app v1\n");
  Object.assign(sb.env, { CAIRN_WEBHOOK_SERVER: "server-side-s3cr3t" }); // in the environment the server starts with
  srv = await serve(sb);
  const token = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "secops", "--role", "maintainer"]).token;
  // the client's own CAIRN_WEBHOOK_SERVER is empty: only the server's counts
  remote = { CAIRN_CONTROL_PLANE: srv.url, CAIRN_TOKEN: token, CAIRN_WEBHOOK_SERVER: "" };
}, 60_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) await srv.stop();
  sb.cleanup();
  client.cleanup();
});

/** The bad inputs both ways refuse, with what the message must say and the exit code. */
const BAD: [string, string[], number, string][] = [
  ["an ftp URL", ["--url", "ftp://127.0.0.1/hook"], 2, "--url \"ftp://127.0.0.1/hook\": ftp is not supported"],
  ["a URL with credentials", ["--url", "https://bob:hunter2@127.0.0.1/hook"], 2, "carries credentials (user:password@)"],
  ["a host that does not resolve", ["--url", "https://no-such-host.invalid/"], 1, "--url: the host no-such-host.invalid does not resolve"],
  ["a missing secret variable", ["--url", LOOP, "--secret-env", "CAIRN_WEBHOOK_NONE"], 2, "--secret-env CAIRN_WEBHOOK_NONE: the variable is not set"],
  ["an unknown event", ["--url", LOOP, "--events", "run.failed,run.exploded"], 2, '--events: "run.exploded" is not an event'],
  ["a duplicate name", ["--url", LOOP], 1, "--name ci: a webhook of that name is already registered in organization default"],
];

describe("org webhook, locally", () => {
  test("add: all events by default (created by local); --events and --secret-env (the name stored, never the value)", () => {
    const ci = sb.json<Hook>(["org", "webhook", "add", "--name", "ci", "--url", LOOP, "--events", "attestation.pushed,run.failed"]);
    expect(ci).toMatchObject({ name: "ci", url: LOOP, events: ["run.failed", "attestation.pushed"], secretEnv: null, createdBy: "local", removedAt: null });
    const signed = sb.ok(["org", "webhook", "add", "--name", "signed", "--url", "https://localhost/in", "--secret-env", "LOCAL_SECRET"], { LOCAL_SECRET: "local-s3cr3t" });
    expect(signed.stderr).toContain("webhook signed registered in organization default");
    expect(signed.stdout).toMatch(/│ Events\s+│ contract\.revised,run\.blocked,run\.failed,workflow\.behind,workflow\.stale,attestation\.pushed/);
    expect(JSON.stringify(rows("SELECT * FROM webhooks"))).not.toContain("s3cr3t");
    expect(rows<{ secret_env: string }>("SELECT secret_env FROM webhooks WHERE name = 'signed'")).toEqual([{ secret_env: "LOCAL_SECRET" }]);
  });

  test("http to a host that is not loopback is allowed with a warning", () => {
    const r = sb.ok(["org", "webhook", "add", "--name", "airgap", "--url", "http://10.0.0.1/hook"]);
    expect(r.stderr).toContain("WRN --url http://10.0.0.1/hook: deliveries go over plain http");
    expect(sb.ok(["org", "webhook", "add", "--name", "loop", "--url", LOOP]).stderr).not.toContain("WRN");
  });

  for (const [what, args, code, message] of BAD) {
    test(`refused, nothing stored: ${what}`, () => {
      const before = stored();
      const r = sb.run(["org", "webhook", "add", "--name", what === "a duplicate name" ? "ci" : "bad", ...args]);
      expect([r.code, r.stderr]).toEqual([code, expect.stringContaining(message)]);
      expect(r.stderr).not.toContain("hunter2");
      expect(stored()).toEqual(before);
    });
  }

  test("list: table and json, by name", () => {
    expect(sb.json<{ items: Hook[] }>(["org", "webhook", "list"]).items.map((w) => w.name)).toEqual(["airgap", "ci", "loop", "signed"]);
    expect(sb.ok(["org", "webhook", "list"]).stdout).toMatch(/│ ci\s+│ http:\/\/127\.0\.0\.1:9\/hook\s+│ run\.failed,attestation\.pushed\s+│/);
  });

  test("a push enqueues attestation.pushed for the subscribed webhooks, pending (no worker here); deliveries pages newest first", () => {
    sb.ok(["att", "init", "--workflow", "build", "--project", "skynet", "--replace"]);
    sb.ok(["att", "add", "--name", "app", "--kind", "ARTIFACT", "--value", "app.bin"]);
    const pushed = sb.json<{ runId: string; digest: string }>(["att", "push", "--key", "cosign.key"]);
    const [d, ...rest] = sb.json<{ items: Delivery[] }>(["org", "webhook", "deliveries", "--name", "ci"]).items;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ event: "attestation.pushed", state: "pending", attempts: 0, lastStatus: null, lastError: null });
    const body = JSON.parse(rows<{ body: string }>(`SELECT body FROM webhook_deliveries WHERE id = '${d!.id}'`)[0]!.body);
    expect(body).toMatchObject({ id: d!.id, type: "attestation.pushed", organization: "default", project: "skynet", workflow: "build", run: { id: pushed.runId, state: "succeeded" }, digests: { attestation: pushed.digest }, path: `/runs/${pushed.runId}` });
    // `signed` takes every event: the contract's revision 1 (at init), then the push
    expect(sb.json<{ items: Delivery[] }>(["org", "webhook", "deliveries", "--name", "signed"]).items.map((x) => x.event)).toEqual(["attestation.pushed", "contract.revised"]);
    const first = sb.json<{ items: Delivery[]; next?: string }>(["org", "webhook", "deliveries", "--name", "signed", "--limit", "1"]);
    const second = sb.json<{ items: Delivery[]; next?: string }>(["org", "webhook", "deliveries", "--name", "signed", "--limit", "1", "--next", first.next!]);
    expect([first.items[0]!.event, second.items[0]!.event, second.next]).toEqual(["attestation.pushed", "contract.revised", undefined]);
    const table = sb.ok(["org", "webhook", "deliveries", "--name", "signed", "--limit", "1"]);
    expect(table.stdout).toMatch(/│ attestation\.pushed │ pending │ 0\s+│/);
    expect(table.stderr).toContain(`more: --next ${first.next}`);
  });

  test("remove: gone from the list, its pending deliveries failed; an unknown name is NOT_FOUND", () => {
    const r = sb.json<Hook>(["org", "webhook", "remove", "--name", "loop"]);
    expect([r.name, typeof r.removedAt]).toEqual(["loop", "string"]);
    expect(stored()).toEqual(["airgap", "ci", "signed"]);
    expect(rows<{ state: string; last_error: string }>("SELECT d.state, d.last_error FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.name = 'loop'")).toEqual([
      { state: "failed", last_error: "webhook removed" }, // contract.revised
      { state: "failed", last_error: "webhook removed" }, // attestation.pushed
    ]);
    const gone = sb.run(["org", "webhook", "deliveries", "--name", "loop"]);
    expect([gone.code, gone.stderr]).toEqual([1, expect.stringContaining("--name loop: no webhook of that name is registered in organization default")]);
    expect(sb.run(["org", "webhook", "remove", "--name", "loop"]).code).toBe(1);
  });
});

describe("org webhook, through cairn serve with a maintainer token", () => {
  const cli = (args: string[], env: Record<string, string> = {}) => client.run(args, { ...remote, ...env });

  test("add is validated on the server: its environment holds the secret variable, not the client's", () => {
    const r = cli(["org", "webhook", "add", "--name", "remote", "--url", LOOP, "--events", "run.failed", "--secret-env", "CAIRN_WEBHOOK_SERVER", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: "remote", events: ["run.failed"], secretEnv: "CAIRN_WEBHOOK_SERVER", createdBy: "token:secops" });
    const clientOnly = cli(["org", "webhook", "add", "--name", "client", "--url", LOOP, "--secret-env", "CAIRN_WEBHOOK_CLIENT"], { CAIRN_WEBHOOK_CLIENT: "only-here" });
    expect([clientOnly.code, clientOnly.stderr]).toEqual([2, expect.stringContaining("--secret-env CAIRN_WEBHOOK_CLIENT: the variable is not set (or is empty) in the environment of the cairn serve server")]);
    // Any other variable of the server's is refused before its value is looked at: HOME is set there, and says so nowhere.
    const probe = cli(["org", "webhook", "add", "--name", "probe", "--url", LOOP, "--secret-env", "HOME"]);
    expect([probe.code, probe.stderr]).toEqual([2, expect.stringContaining("--secret-env HOME: through cairn serve, webhook secrets come from variables named CAIRN_WEBHOOK_…")]);
    const plain = cli(["org", "webhook", "add", "--name", "gap", "--url", "http://10.0.0.1/hook"]);
    expect([plain.code, plain.stderr]).toEqual([0, expect.stringContaining("deliveries go over plain http")]);
  });

  for (const [what, args, code, message] of BAD) {
    test(`refused by the server, nothing stored: ${what}`, () => {
      const before = stored();
      const r = cli(["org", "webhook", "add", "--name", what === "a duplicate name" ? "ci" : "bad", ...args]);
      expect([r.code, r.stderr]).toEqual([code, expect.stringContaining(message)]);
      expect(stored()).toEqual(before);
    });
  }

  test("list, deliveries and remove; a reset with a failure trigger enqueues run.failed", () => {
    expect(JSON.parse(cli(["org", "webhook", "list", "-o", "json"]).stdout).items.map((w: Hook) => w.name)).toEqual(["airgap", "ci", "gap", "remote", "signed"]);
    const init = JSON.parse(cli(["att", "init", "--workflow", "build", "--project", "skynet", "--remote-state", "-o", "json"]).stdout);
    expect(cli(["att", "reset", "--attestation-id", init.attestationId, "--trigger", "failure"]).code).toBe(0);
    const ds = JSON.parse(cli(["org", "webhook", "deliveries", "--name", "remote", "-o", "json"]).stdout).items as Delivery[];
    expect(ds.map((d) => [d.event, d.state])).toEqual([["run.failed", "pending"]]);
    expect(cli(["org", "webhook", "deliveries", "--name", "remote"]).stdout).toMatch(/│ run\.failed │ pending │/);
    expect(cli(["org", "webhook", "remove", "--name", "gap"]).code).toBe(0);
    expect(stored()).toEqual(["airgap", "ci", "remote", "signed"]);
    const missing = cli(["org", "webhook", "remove", "--name", "gap"]);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining("--name gap: no webhook of that name")]);
  });

  test("an attestor token may not manage webhooks (403 naming the role needed)", () => {
    const attestor = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci-job"]).token;
    const r = cli(["org", "webhook", "list"], { CAIRN_TOKEN: attestor });
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining("webhook.list needs the maintainer role")]);
  });
});
