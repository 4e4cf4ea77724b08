import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, FIXTURES, Sandbox } from "./harness.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

function readyToPush(): void {
  sb.ok(["att", "init", "--workflow", "w", "--project", "p", "--contract", join(FIXTURES, "contracts", "demo.yaml"), "--replace"]);
  sb.ok(["att", "add", "--name", "build-ref", "--value", "v"]);
  sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
  sb.ok(["att", "add", "--name", "sbom", "--value", join(FIXTURES, "demo", "sbom.cdx.json")]);
}

/** Every blob at an address hashes to that address: a kill never leaves a partial blob in place. */
function casIsSound(): void {
  const root = join(sb.home, "cas", "sha256");
  if (!existsSync(root)) return;
  for (const dir of readdirSync(root)) {
    for (const hex of readdirSync(join(root, dir))) {
      expect(createHash("sha256").update(readFileSync(join(root, dir, hex))).digest("hex")).toBe(hex);
    }
  }
}

// Each complete push stores two attestations: the cairn one and its SLSA provenance (demo.yaml has an output).
test("push killed at any moment leaves either the untouched attestation or the complete one", async () => {
  writeFileSync(sb.path("app.bin"), "payload");
  sb.ok(["keys", "generate"]);
  const outcomes = new Set<string>();
  for (const delay of [0, 2, 5, 10, 15, 20, 30, 45, 60, 90]) {
    readyToPush();
    const before = sb.counts();
    const p = Bun.spawn([BIN, "att", "push", "--key", "cosign.key"], { cwd: sb.dir, env: sb.env, stdout: "ignore", stderr: "ignore" });
    await Bun.sleep(delay);
    p.kill("SIGKILL");
    await p.exited;
    const after = sb.counts();
    casIsSound();
    if (existsSync(sb.statePath)) {
      JSON.parse(readFileSync(sb.statePath, "utf8")); // never half-written
      outcomes.add("interrupted");
      expect(after.attestations - before.attestations).toBeLessThanOrEqual(2);
      sb.ok(["att", "push", "--key", "cosign.key"]); // the push can simply be repeated
      expect(existsSync(sb.statePath)).toBe(false);
    } else {
      outcomes.add("completed");
      expect(after.attestations).toBe(before.attestations + 2);
    }
    // Repeating a cut-off push completes it: the attestation once, its provenance once.
    const final = sb.counts();
    expect(final.attestations).toBe(before.attestations + 2);
    expect(final.attestations).toBe(2 * final.succeeded);
  }
  expect(outcomes.has("interrupted")).toBe(true);
}, 120_000);
