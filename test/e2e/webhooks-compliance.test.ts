// The compliance job of `cairn serve` through the compiled binary: workflow.behind and workflow.stale, one event per
// workflow per run of the job, the first run CAIRN_COMPLIANCE_FIRST_DELAY after start.
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { Receiver, ServedHome, until } from "./webhooks.harness.ts";

const contract = (optional: string) => `apiVersion: cairn.dev/v1
kind: Contract
metadata:
  name: rel
spec:
  materials:
    - {type: ARTIFACT, name: binary}
${optional}`;

const h = new ServedHome();
const r = new Receiver();
afterAll(async () => {
  r.down();
  await h.cleanup();
});

test("a workflow behind and one stale: each reported once per run of the job, linking to the workflow", async () => {
  const sb = h.sb;
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
  writeFileSync(sb.path("rel1.yaml"), contract(""));
  writeFileSync(sb.path("rel2.yaml"), contract("    - {type: STRING, name: notes, optional: true}\n"));
  writeFileSync(sb.path("bin"), "binary\n");
  sb.ok(["workflow", "contract", "create", "--name", "rel", "--file", "rel1.yaml"]);
  const push = (workflow: string, env: Record<string, string> = {}) => {
    sb.ok(["att", "init", "--workflow", workflow, "--project", "p", "--contract", "rel", "--replace"], env);
    sb.ok(["att", "add", "--name", "binary", "--kind", "ARTIFACT", "--value", "bin"], env);
    sb.ok(["att", "push", "--key", "cosign.key"], env);
  };
  push("build");
  push("nightly", { CAIRN_FIXED_TIME: "2020-01-01T00:00:00Z" }); // its only success is years old
  push("current");
  sb.ok(["workflow", "contract", "update", "--name", "rel", "--file", "rel2.yaml"]); // build and current now behind
  push("current"); // current is on revision 2 again
  sb.ok(["org", "webhook", "add", "--name", "comp", "--url", r.url("/comp"), "--events", "workflow.behind,workflow.stale"]);
  sb.ok(["org", "webhook", "add", "--name", "runs", "--url", r.url("/runs"), "--events", "run.failed"]);
  sb.env.CAIRN_COMPLIANCE_FIRST_DELAY = "0s";
  await h.restart(["--compliance-interval", "2s"]);
  await until("two runs of the job", () => r.at("/comp").length >= 4, 20_000);
  const seen = r.at("/comp").map((a) => JSON.parse(a.body) as { type: string; workflow: string; link: string; contract: { revision: number } });
  const pair = (xs: typeof seen) => xs.map((b) => `${b.type} ${b.workflow}`).sort();
  expect(pair(seen.slice(0, 2))).toEqual(["workflow.behind build", "workflow.stale nightly"]);
  expect(pair(seen.slice(2, 4))).toEqual(pair(seen.slice(0, 2))); // again at the next run
  expect(seen.find((b) => b.workflow === "build")).toMatchObject({ link: `${h.srv.url}/workflows/p/build`, contract: { revision: 2 } });
  expect(r.at("/runs")).toHaveLength(0); // nothing the webhook did not subscribe to
  expect(await h.srv.stop()).toBe(0);
}, 60_000);
