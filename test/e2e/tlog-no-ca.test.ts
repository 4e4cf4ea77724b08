// A server with a transparency log and no CA (`cairn log init` alone): key-signed pushes are logged by the server,
// the home trusts its own log (trusted root home-log), and a server under another hostname than the log's origin
// refuses to start.
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { Sandbox } from "./harness.ts";
import { serve } from "./serve.harness.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

test("log init without a CA: key pushes are logged and verify with --require-tlog; the origin is fixed", async () => {
  sb.ok(["log", "init", "--origin", "127.0.0.1"]);
  sb.ok(["keys", "generate", "--output-prefix", "k"]);
  sb.ok(["org", "key", "add", "--name", "k", "--key", "k.pub"]);
  sb.ok(["att", "init", "--workflow", "build", "--project", "app"]);
  sb.ok(["att", "reset"]);
  const token = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--project", "app", "--workflow", "build"]).token;
  const served = await serve(sb);
  try {
    expect(served.stderr()).toContain("keyless signing off");
    expect(served.stderr()).toContain("transparency log on: origin 127.0.0.1");
    const env = { CAIRN_CONTROL_PLANE: served.url, CAIRN_TOKEN: token };
    writeFileSync(sb.path("a.bin"), "a\n");
    sb.ok(["att", "init", "--workflow", "build", "--project", "app"], env);
    sb.ok(["att", "add", "--name", "a", "--kind", "ARTIFACT", "--value", "a.bin"], env);
    const pushed = sb.json<{ signing: { logIndex: number } }>(["att", "push", "--key", "k.key", "--bundle", "b.json"], env);
    expect(pushed.signing.logIndex).toBe(0);
    expect(sb.ok(["trust-root", "list"]).stdout).toContain("home-log");
    const v = sb.run(["att", "verify", "--bundle", "b.json", "--key", "k.pub", "--require-tlog"]);
    expect([v.code, v.stderr]).toEqual([0, ""]);
  } finally {
    await served.stop();
  }
  const elsewhere = sb.run(["serve", "--listen", "127.0.0.1:0", "--public-url", "http://localhost:1"]);
  expect(elsewhere.code).toBe(2);
  expect(elsewhere.stderr).toContain("the transparency log's origin is 127.0.0.1");
}, 60_000);
