// Keyless signing against a real `cairn serve` (the compiled binary, its own CA and TSA):
//  - `att push` keyless (ephemeral key, identity token, certificate, timestamp: three round trips) vs `att push --key`
//    in the same run, alternating, on the same server; target ≤ 1.5× the key push.
//  - certificates issued per second to 16 clients (POST /api/v2/signingCert, each with a valid identity token and
//    proof of possession made beforehand, as sigstore-js sends them); target ≥ 500/s.
//  - RFC 3161 timestamp replies per second to 16 clients (POST /api/v1/timestamp, binary queries); target ≥ 1,000/s.
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { writeFileSync } from "node:fs";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { join } from "node:path";
import { median, percentile, record, runProcess } from "./lib.ts";
import { startServe } from "./serve-push.ts";

const BIN = join(import.meta.dir, "..", "dist", "cairn");
const CLIENTS = 16;

export async function benchKeyless(work: string): Promise<void> {
  const home = join(work, "keyless-home");
  const env = { PATH: process.env.PATH, HOME: work, CAIRN_HOME: home, CAIRN_SIGNING_PASSWORD: "bench" };
  const cli = (args: string[], extra: Record<string, string> = {}) => runProcess([BIN, ...args], { cwd: work, env: { ...env, ...extra } });
  const out = (args: string[]) => {
    const p = Bun.spawnSync([BIN, ...args], { cwd: work, env, stdout: "pipe", stderr: "pipe" });
    if (p.exitCode !== 0) throw new Error(`cairn ${args.join(" ")}: ${p.stderr.toString()}`);
    return p.stdout.toString();
  };
  out(["ca", "init"]);
  out(["keys", "generate", "--output-prefix", join(work, "bench")]);
  out(["org", "key", "add", "--name", "bench", "--key", join(work, "bench.pub")]); // verified push: the key must be the organization's
  out(["att", "init", "--workflow", "build", "--project", "bench"]);
  out(["att", "reset"]);
  const token = (JSON.parse(out(["org", "api-token", "create", "--name", "bench-ci", "--project", "bench", "--workflow", "build", "-o", "json"])) as { token: string }).token;
  writeFileSync(join(work, "keyless.bin"), "keyless bench\n");
  const server = await startServe(home, work);
  try {
    const remote = { CAIRN_CONTROL_PLANE: server.url, CAIRN_TOKEN: token };
    const pushOnce = (keyless: boolean) => {
      cli(["att", "init", "--workflow", "build", "--project", "bench", "--replace"], remote);
      cli(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", join(work, "keyless.bin")], remote);
      return cli(["att", "push", ...(keyless ? [] : ["--key", join(work, "bench.key")])], remote).ms;
    };
    const rounds = Number(process.env.BENCH_KEYLESS_ROUNDS ?? 10);
    pushOnce(true);
    pushOnce(false); // warm-up, untimed
    const key: number[] = [];
    const keyless: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // ABBA order, so drift in machine load falls on both sides alike.
      if (i % 2 === 0) {
        key.push(pushOnce(false));
        keyless.push(pushOnce(true));
      } else {
        keyless.push(pushOnce(true));
        key.push(pushOnce(false));
      }
    }
    const ratio = median(keyless) / median(key);
    record(
      `keyless: att push keyless vs --key against cairn serve (median of ${rounds})`,
      `${median(keyless).toFixed(0)} ms vs ${median(key).toFixed(0)} ms = ${ratio.toFixed(2)}×`,
      "≤ 1.5×",
      ratio <= 1.5,
    );
    await benchCertificates(server.url, token, Number(process.env.BENCH_CERTS ?? 3000));
    await benchTimestamps(server.url, Number(process.env.BENCH_TIMESTAMPS ?? 5000));
  } finally {
    await server.stop();
  }
}

async function benchCertificates(url: string, apiToken: string, n: number): Promise<void> {
  const bodies: string[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const res = await fetch(`${url}/api/v1/identity-token`, { method: "POST", headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json" }, body: "{}" });
    const { token, subject } = (await res.json()) as { token: string; subject: string };
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const proof = sign("sha256", Buffer.from(subject), privateKey).toString("base64");
    const content = publicKey.export({ type: "spki", format: "pem" }).toString();
    bodies.push(JSON.stringify({ credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { algorithm: "ECDSA", content }, proofOfPossession: proof } }));
  }
  const { rate, latencies } = await load(n, (i) => fetch(`${url}/api/v2/signingCert`, { method: "POST", headers: { "Content-Type": "application/json" }, body: bodies[i % CLIENTS]! }), 201);
  record(`keyless: certificates issued/s, ${CLIENTS} clients`, `${rate.toFixed(0)}/s, p50 ${median(latencies).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`, "≥ 500/s", rate >= 500);
}

async function benchTimestamps(url: string, n: number): Promise<void> {
  const queries: Uint8Array[] = [];
  for (let i = 0; i < 64; i++) {
    const digest = createHash("sha256").update(`signature ${i}`).digest();
    // What `openssl ts -query -sha256 -cert` writes: version 1, the SHA-256 imprint, certReq.
    const hashAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: "2.16.840.1.101.3.4.2.1" });
    const messageImprint = new pkijs.MessageImprint({ hashAlgorithm, hashedMessage: new asn1js.OctetString({ valueHex: digest }) });
    queries.push(new Uint8Array(new pkijs.TimeStampReq({ version: 1, messageImprint, certReq: true }).toSchema().toBER()));
  }
  const { rate, latencies } = await load(n, (i) => fetch(`${url}/api/v1/timestamp`, { method: "POST", headers: { "Content-Type": "application/timestamp-query" }, body: queries[i % queries.length]! }), 200);
  record(`keyless: timestamp replies/s, ${CLIENTS} clients`, `${rate.toFixed(0)}/s, p50 ${median(latencies).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`, "≥ 1,000/s", rate >= 1000);
}

/** `n` requests from CLIENTS workers; each must answer `status`. */
async function load(n: number, call: (i: number) => Promise<Response>, status: number): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  let end = Math.min(200, n); // warm-up round first
  const worker = async () => {
    while (next < end) {
      const i = next++;
      const s = performance.now();
      const res = await call(i);
      const body = await res.arrayBuffer();
      latencies.push(performance.now() - s);
      if (res.status !== status) throw new Error(`keyless bench: answered ${res.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  next = 0;
  end = n;
  latencies.length = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  return { rate: n / ((performance.now() - t0) / 1000), latencies };
}
