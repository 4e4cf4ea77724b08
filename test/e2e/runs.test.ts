import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pae } from "../../src/signing/pae.ts";
import { BIN, FIXTURES, Sandbox } from "./harness.ts";

const DEMO = join(FIXTURES, "contracts", "demo.yaml");
const SBOM = join(FIXTURES, "demo", "sbom.cdx.json");
const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

interface RunRow {
  id: string;
  workflow: string;
  project: string;
  state: string;
  reason: string | null;
  contractRevisionUsed: number;
  contractRevisionLatest: number;
  attestationDigest: string | null;
  policyStatus: string | null;
  pushedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}
interface Page {
  items: RunRow[];
  next?: string;
}

describe("workflow run list/describe through the binary", () => {
  const sb = new Sandbox();
  let pushed: { digest: string; runId: string };
  let openRun = "";
  let bundle: Buffer;

  beforeAll(() => {
    writeFileSync(sb.path("app.bin"), "the built binary\n");
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    sb.ok(["keys", "generate", "--output-prefix", "other"]);
    sb.ok(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", DEMO]);
    sb.ok(["att", "add", "--name", "build-ref", "--value", "80e461e9b385c6986cdb8096c9dc99928943d667"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    sb.ok(["att", "add", "--name", "sbom", "--value", SBOM]);
    pushed = sb.json(["att", "push", "--key", "cosign.key", "--bundle", "out.sigstore.json"]);
    bundle = readFileSync(sb.path("out.sigstore.json"));
    openRun = (sb.json(["att", "init", "--workflow", "test", "--project", "skynet"]).workflow as { runId: string }).runId;
  });
  afterAll(() => sb.cleanup());

  test("list -o json: newest first, with state, revisions and attestation digest", () => {
    const page = sb.json<Page>(["workflow", "run", "list"]);
    expect(page.next).toBeUndefined();
    expect(page.items.map((r) => [r.id, r.workflow, r.project, r.state, r.attestationDigest])).toEqual([
      [openRun, "test", "skynet", "initialized", null],
      [pushed.runId, "build", "skynet", "succeeded", pushed.digest],
    ]);
    expect(page.items[1]).toMatchObject({ contractRevisionUsed: 1, contractRevisionLatest: 1, policyStatus: "none", pushedBy: "local" });
    expect(page.items[0]).toMatchObject({ policyStatus: null, pushedBy: null });
    expect(page.items[1]!.finishedAt).not.toBeNull();
  });

  test("list table, filters and pages", () => {
    const t = sb.ok(["workflow", "run", "list"]).stdout;
    for (const s of [openRun, pushed.runId, pushed.digest, "initialized", "succeeded", "1/1"]) expect(t).toContain(s);
    expect(sb.json<Page>(["workflow", "run", "list", "--workflow", "build"]).items.map((r) => r.id)).toEqual([pushed.runId]);
    expect(sb.json<Page>(["workflow", "run", "list", "--status", "initialized"]).items.map((r) => r.id)).toEqual([openRun]);
    expect(sb.json<Page>(["workflow", "run", "list", "--project", "elsewhere"]).items).toEqual([]);
    const p1 = sb.json<Page>(["workflow", "run", "list", "--limit", "1"]);
    expect(p1.items.map((r) => r.id)).toEqual([openRun]);
    const p2 = sb.json<Page>(["workflow", "run", "list", "--limit", "1", "--next", p1.next!]);
    expect([p2.items.map((r) => r.id), p2.next]).toEqual([[pushed.runId], undefined]);
    expect(sb.ok(["workflow", "run", "list", "--limit", "1"]).stderr).toContain(`more: --next ${p1.next}`);
    expect(sb.run(["workflow", "run", "list", "--status", "running"]).code).toBe(2);
  });

  test("describe report: the run and its materials, short digests; --full prints them whole", () => {
    const t = sb.ok(["workflow", "run", "describe", "--id", pushed.runId]).stdout;
    const short = (d: string) => `${d.slice(0, 15)}…`;
    for (const s of [pushed.runId, "skynet/build", "demo", "1 used / 1 latest", short(pushed.digest), "Materials", "binary", "app.bin", short(sha("the built binary\n")), "SBOM_CYCLONEDX_JSON", "build-ref"]) {
      expect(t).toContain(s);
    }
    const full = sb.ok(["workflow", "run", "describe", "--id", pushed.runId, "--full"]).stdout;
    for (const s of [pushed.digest, sha("the built binary\n")]) expect(full).toContain(s);
  });

  test("describe -o json, by id and by digest alike", () => {
    const d = sb.json<{ run: RunRow; attestation: { digest: string; materials: { name: string; kind: string; digest: string }[] } }>([
      "workflow", "run", "describe", "--id", pushed.runId,
    ]);
    expect(d.run.id).toBe(pushed.runId);
    expect(d.attestation.digest).toBe(pushed.digest);
    expect(d.attestation.materials.map((m) => [m.name, m.kind])).toEqual([
      ["binary", "ARTIFACT"],
      ["build-ref", "STRING"],
      ["sbom", "SBOM_CYCLONEDX_JSON"],
    ]);
    expect(d.attestation.materials[0]!.digest).toBe(sha("the built binary\n"));
    expect(sb.json(["workflow", "run", "describe", "--digest", pushed.digest])).toEqual(d);
  });

  test("-o attestation prints the stored bundle byte for byte; -o statement its decoded payload", () => {
    const raw = sb.ok(["workflow", "run", "describe", "--id", pushed.runId, "-o", "attestation"]).stdout;
    expect(sha(raw)).toBe(pushed.digest);
    expect(Buffer.from(raw).equals(bundle)).toBe(true);
    const st = JSON.parse(sb.ok(["workflow", "run", "describe", "--digest", pushed.digest, "-o", "statement"]).stdout);
    const env = JSON.parse(bundle.toString()).dsseEnvelope;
    expect(st).toEqual(JSON.parse(Buffer.from(env.payload, "base64").toString()));
  });

  test("-o payload-pae prints exactly the bytes the signature covers (checked with node:crypto)", () => {
    const p = Bun.spawnSync([BIN, "workflow", "run", "describe", "--id", pushed.runId, "-o", "payload-pae"], {
      cwd: sb.dir,
      env: sb.env,
    });
    expect(p.exitCode).toBe(0);
    const env = JSON.parse(bundle.toString()).dsseEnvelope;
    const expected = pae(env.payloadType, Buffer.from(env.payload, "base64"));
    expect(Buffer.from(p.stdout).equals(Buffer.from(expected))).toBe(true);
    const pub = createPublicKey(readFileSync(sb.path("cosign.pub")));
    expect(verify("sha256", p.stdout, pub, Buffer.from(env.signatures[0].sig, "base64"))).toBe(true);
  });

  test("--verify: the signer's key passes in every format; another key exits 1", () => {
    const d = sb.json<{ verification: { verified: boolean } }>(["workflow", "run", "describe", "--id", pushed.runId, "--verify", "--key", "cosign.pub"]);
    expect(d.verification.verified).toBe(true);
    expect(sb.ok(["workflow", "run", "describe", "--id", pushed.runId, "--verify", "--key", "cosign.pub"]).stdout).toContain("Signature");
    expect(sb.run(["workflow", "run", "describe", "--digest", pushed.digest, "--verify", "--key", "cosign.pub", "-o", "attestation"]).code).toBe(0);
    const bad = sb.run(["workflow", "run", "describe", "--id", pushed.runId, "--verify", "--key", "other.pub"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toStartWith("ERR ");
    expect(bad.stdout).toBe("");
    expect(sb.run(["workflow", "run", "describe", "--id", pushed.runId, "--verify", "--key", "other.pub", "-o", "payload-pae"]).code).toBe(1);
    // --verify alone trusts the home's roots (certificate-signed bundles); a key-signed one then asks for its key.
    const keyless = sb.run(["workflow", "run", "describe", "--id", pushed.runId, "--verify"]);
    expect([keyless.code, keyless.stderr]).toEqual([1, expect.stringContaining("no public key was given")]);
  });

  test("a run without attestation: described, but no bundle to print; unknown run exits 1", () => {
    expect(sb.json<{ run: RunRow }>(["workflow", "run", "describe", "--id", openRun]).run.state).toBe("initialized");
    expect(sb.run(["workflow", "run", "describe", "--id", openRun, "-o", "attestation"]).code).toBe(1);
    expect(sb.run(["workflow", "run", "describe", "--id", "no-such-run"]).code).toBe(1);
    expect(sb.run(["workflow", "run", "describe"]).code).toBe(2);
  });

  test("CAIRN_RUN_TTL=1s: the open run expires, and pushing it fails telling to init again", async () => {
    await Bun.sleep(1100);
    const ttl = { CAIRN_RUN_TTL: "1s" };
    const page = sb.json<Page>(["workflow", "run", "list", "--status", "expired"], ttl);
    expect(page.items.map((r) => [r.id, r.state, r.reason])).toEqual([[openRun, "expired", "expired after 1s"]]);
    expect(page.items[0]!.finishedAt).not.toBeNull();
    const push = sb.run(["att", "push", "--key", "cosign.key"], ttl);
    expect(push.code).toBe(1);
    expect(push.stderr).toContain("expired");
    expect(push.stderr).toContain("init --replace");
    expect(sb.runStates()).toEqual(["succeeded", "expired"]);
  });
});
