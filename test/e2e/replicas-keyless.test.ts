// Keyless signing on three `cairn serve` replicas of the compiled binary: one PostgreSQL database, one shared CAS,
// and one CA, TSA, OIDC key and log key that the operator made once (`cairn ca init`) and copied into every
// replica's home. Every replica serves as the load balancer's URL; clients push through each replica at once and
// through the load balancer; every bundle verifies against the one trusted root with cairn's verifier and with
// @sigstore/verify; the log holds each entry once and its checkpoints, whichever replica signed them, are consistent.
// A replica with other key material is refused at start, naming what to copy.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { startRegistry, type RunningRegistry } from "../../src/oci/registry.testutil.ts";
import { pgMissing, testDatabase, type TestDatabase } from "../../src/store/pg/pg.testutil.ts";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

setDefaultTimeout(120_000);
const skip = pgMissing();

const admin = new Sandbox(); // the operator's machine: makes the CA once, on the shared database
const homes = [new Sandbox(), new Sandbox(), new Sandbox()];
const clients: Sandbox[] = [];
let pg: TestDatabase;
let registry: RunningRegistry;
let replicas: Served[] = [];
let balancer: ReturnType<typeof Bun.serve>;
let publicUrl = "";
let token = "";

/** The operator's provisioning: the CA, the log key and the OIDC key of the admin home, in another home. */
const provision = (sb: Sandbox, dirs = ["ca", "log", "oidc"]) => {
  for (const d of dirs) cpSync(join(admin.home, d), join(sb.home, d), { recursive: true });
};

/** A round-robin load balancer in front of the replicas: the URL every replica serves as (--public-url). */
function startBalancer() {
  let next = 0;
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const u = new URL(req.url);
      const target = replicas[next++ % replicas.length]!.url + u.pathname + u.search;
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
      return fetch(target, { method: req.method, headers: req.headers, body, redirect: "manual" });
    },
  });
}

beforeAll(async () => {
  if (skip) return;
  pg = (await testDatabase({ migrate: false }))!;
  registry = await startRegistry();
  for (const sb of [admin, ...homes]) sb.env.CAIRN_DATABASE_URL = pg.url;
  admin.ok(["ca", "init"]);
  admin.ok(["cas-backend", "add", "oci", "--name", "shared", "--repo", `${registry.host}/evidence`, "--insecure-http", "--default"]);
  admin.ok(["att", "init", "--workflow", "build", "--project", "app"]);
  admin.ok(["att", "reset"]);
  token = admin.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--project", "app", "--workflow", "build"]).token;
  balancer = startBalancer();
  publicUrl = `http://127.0.0.1:${balancer.port}`;
  for (const h of homes) provision(h);
  replicas = await Promise.all(homes.map((h) => serve(h, ["--public-url", publicUrl])));
});

afterAll(async () => {
  for (const r of replicas) if (r.proc.exitCode === null) await r.stop();
  balancer?.stop(true);
  await registry?.stop();
  await pg?.drop();
  for (const sb of [admin, ...homes, ...clients]) sb.cleanup();
});

interface Pushed {
  client: Sandbox;
  digest: string;
  signing: { identity: string; logIndex: number };
  bundle: Record<string, any>;
}

/** A CI machine's keyless push (init, add, push with no key) against `url`. */
async function keylessPush(url: string, n: number): Promise<Pushed> {
  const client = new Sandbox();
  clients.push(client);
  const env = { CAIRN_CONTROL_PLANE: url, CAIRN_TOKEN: token };
  writeFileSync(client.path("app.bin"), `build ${n}\n`);
  const run = async (args: string[]) => {
    const p = Bun.spawn([join(import.meta.dir, "../../dist/cairn"), ...args], { cwd: client.dir, env: { ...client.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    if (code !== 0) throw new Error(`cairn ${args.join(" ")} against ${url} exited ${code}\n${stderr}`);
    return stdout;
  };
  await run(["att", "init", "--workflow", "build", "--project", "app"]);
  await run(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"]);
  const pushed = JSON.parse(await run(["att", "push", "--bundle", "out.json", "-o", "json"])) as Omit<Pushed, "client" | "bundle">;
  return { ...pushed, client, bundle: JSON.parse(await Bun.file(client.path("out.json")).text()) };
}

const rootText = async (url: string) => {
  const res = await fetch(`${url}/api/v1/trusted-root`);
  expect(res.status).toBe(200);
  return res.text();
};

describe.skipIf(skip !== undefined)(`keyless signing on three replicas of one database${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pushes: Pushed[] = [];
  let root = "";

  test("every replica serves the same trusted root: one CA, one TSA, one log, the load balancer's URL", async () => {
    for (const r of replicas) expect(r.stderr()).toContain("keyless signing on");
    const roots = await Promise.all([...replicas.map((r) => r.url), publicUrl].map(rootText));
    expect(new Set(roots).size).toBe(1);
    root = roots[0]!;
    const parsed = JSON.parse(root) as { tlogs: { baseUrl: string }[]; certificateAuthorities: unknown[]; timestampAuthorities: unknown[] };
    expect([parsed.tlogs.length, parsed.tlogs[0]!.baseUrl, parsed.certificateAuthorities.length, parsed.timestampAuthorities.length]).toEqual([1, publicUrl, 1, 1]);
    writeFileSync(admin.path("root.json"), root);
  });

  test("nine keyless pushes at once, three through each replica and three through the balancer: all logged, each once", async () => {
    const targets = [0, 1, 2, 0, 1, 2, 0, 1, 2].map((i, n) => (n >= 6 ? publicUrl : replicas[i]!.url));
    pushes = await Promise.all(targets.map((url, n) => keylessPush(url, n)));
    const identity = `${publicUrl}/orgs/default/workflows/app/build`;
    for (const p of pushes) expect(p.signing.identity).toBe(identity);
    const indexes = pushes.map((p) => p.signing.logIndex).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 9 }, (_, i) => i));
    const rows = await pg.db.query<{ n: number; bodies: number }>("SELECT count(*) AS n, count(DISTINCT body_sha256) AS bodies FROM tlog_entries");
    expect(rows[0]).toEqual({ n: 9, bodies: 9 });
  });

  test("every bundle verifies against the one trusted root: cairn att verify --require-tlog and @sigstore/verify (tlog, timestamp)", async () => {
    const identity = `${publicUrl}/orgs/default/workflows/app/build`;
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(root))), { ctlogThreshold: 0, tlogThreshold: 1, timestampThreshold: 1 });
    const exact = new RegExp(`^${identity.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
    for (const p of pushes) {
      expect(p.bundle.verificationMaterial.tlogEntries).toHaveLength(1);
      expect(verifier.verify(toSignedEntity(bundleFromJSON(p.bundle)), { subjectAlternativeName: exact, extensions: { issuer: publicUrl } }).identity?.subjectAlternativeName).toBe(identity);
      const v = p.client.run(["att", "verify", "--bundle", "out.json", "--trusted-root", admin.path("root.json"), "--require-tlog", "--certificate-identity", identity, "--certificate-oidc-issuer", publicUrl]);
      expect([v.code, v.stderr]).toEqual([0, ""]);
    }
  });

  test("the checkpoints in the bundles, signed by different replicas, are consistent with the log as every replica serves it", async () => {
    const notes = await Promise.all(replicas.map(async (r) => (await fetch(`${r.url}/api/v1/log/checkpoint`)).text()));
    expect(new Set(notes).size).toBe(1);
    expect(notes[0]!.split("\n")[1]).toBe("9");
    // Each replica appended its own batches: at least three checkpoints, by three processes, are in the bundles.
    const sizes = pushes.map((p) => Number((p.bundle.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope as string).split("\n")[1]));
    expect(new Set(sizes).size).toBeGreaterThanOrEqual(3);
    for (const [k, p] of pushes.entries()) {
      const cp = p.bundle.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope as string;
      writeFileSync(p.client.path("seen.checkpoint"), cp);
      const r = p.client.run(["log", "consistency", "--from", "seen.checkpoint", "--trusted-root", admin.path("root.json"), "-o", "json"], { CAIRN_CONTROL_PLANE: replicas[(k + 1) % 3]!.url });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(JSON.parse(r.stdout)).toMatchObject({ fromSize: Number(cp.split("\n")[1]), toSize: 9 });
    }
  });

  test("a replica with its own CA, or without the shared log key, or under another URL, is refused at start naming the fix", async () => {
    const refused = async (sb: Sandbox, args: string[]) => serve(sb, args).then(async (s) => `started: ${await s.stop()}`, (e: Error) => e.message);
    const own = new Sandbox();
    const noLog = new Sandbox();
    const elsewhere = new Sandbox();
    clients.push(own, noLog, elsewhere);
    for (const sb of [own, noLog, elsewhere]) sb.env.CAIRN_DATABASE_URL = pg.url;
    own.ok(["ca", "init"]);
    const a = await refused(own, ["--public-url", publicUrl]);
    expect(a).toContain("this server does not sign as the other replicas of this database: CA sha256:");
    expect(a).toContain("copy <home>/ca from a replica of this database");
    expect(a).toContain("copy <home>/oidc/signing.key");
    provision(noLog, ["ca", "oidc"]);
    const b = await refused(noLog, ["--public-url", publicUrl]);
    expect(b).toContain("log key");
    expect(b).toContain("copy <home>/log from a replica");
    expect(b).not.toContain("CA sha256");
    provision(elsewhere);
    expect(await refused(elsewhere, [])).toContain("same --public-url");
    // Nothing was appended or signed by the refused ones; the replicas still serve the log as before.
    expect((await pg.db.query<{ n: number }>("SELECT count(*) AS n FROM tlog_checkpoints WHERE size > 9"))[0]!.n).toBe(0);
    expect(await rootText(replicas[0]!.url)).toBe(root);
  });
});
