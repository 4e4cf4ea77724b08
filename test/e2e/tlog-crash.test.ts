// kill -9 during concurrent log writes: after a restart every entry the server acknowledged is in the log at its
// index, the stored tree matches the newest checkpoint (the server re-checks it on start), and every checkpoint a
// client was ever handed is consistent with the tree now — none was published for a tree that was not stored.
import { afterAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync, sign } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const sb = new Sandbox();
let served: Served | undefined;
afterAll(async () => {
  await served?.stop();
  sb.cleanup();
});

const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const spki = publicKey.export({ type: "spki", format: "der" }).toString("base64");

function request(n: number): string {
  const data = Buffer.from(`crash test artifact ${n} ${Math.random()}`);
  const digest = new Bun.CryptoHasher("sha256").update(data).digest("base64");
  const content = sign("sha256", data, privateKey).toString("base64");
  return JSON.stringify({ hashedRekordRequestV002: { digest, signature: { content, verifier: { publicKey: { rawBytes: spki }, keyDetails: "PKIX_ECDSA_P256_SHA_256" } } } });
}

interface Acked {
  index: number;
  body: string;
  checkpoint: string;
}

describe("the log survives kill -9", () => {
  test("acknowledged entries are durable; every handed-out checkpoint is consistent with the restarted log", async () => {
    sb.ok(["ca", "init"]);
    const token = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "writer"]).token;
    served = await serve(sb);
    const url = served.url;
    const acked: Acked[] = [];
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${url}/api/v2/log/entries`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: request(n++) });
          if (res.status !== 201) continue;
          const tle = (await res.json()) as { logIndex: string; canonicalizedBody: string; inclusionProof: { checkpoint: { envelope: string } } };
          acked.push({ index: Number(tle.logIndex), body: tle.canonicalizedBody, checkpoint: tle.inclusionProof.checkpoint.envelope });
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (acked.length < 300) await Bun.sleep(10);
    served.proc.kill(9);
    stop = true;
    await Promise.all(workers);
    await served.proc.exited;
    served = undefined;
    expect(acked.length).toBeGreaterThanOrEqual(300);

    served = await serve(sb);
    const size = Number((await (await fetch(`${served.url}/api/v1/log/checkpoint`)).text()).split("\n")[1]);
    expect(size).toBeGreaterThanOrEqual(Math.max(...acked.map((a) => a.index)) + 1);
    // Every acknowledged entry, at its index, byte for byte (read from the published entry bundles).
    const bodies = new Map<number, string>();
    for (let t = 0; t * 256 < size; t++) {
      const width = Math.min(256, size - t * 256);
      const group = String(t).padStart(3, "0");
      expect(t).toBeLessThan(1000);
      const bytes = new Uint8Array(await (await fetch(`${served.url}/api/v1/log/tile/entries/${group}${width < 256 ? `.p/${width}` : ""}`)).arrayBuffer());
      for (let off = 0, i = 0; off < bytes.length; i++) {
        const len = (bytes[off]! << 8) | bytes[off + 1]!;
        bodies.set(t * 256 + i, Buffer.from(bytes.subarray(off + 2, off + 2 + len)).toString("base64"));
        off += 2 + len;
      }
    }
    for (const a of acked) expect([a.index, bodies.get(a.index)]).toEqual([a.index, a.body]);

    // The whole log verifies, and each distinct checkpoint a client received is consistent with it.
    const cp = { CAIRN_CONTROL_PLANE: served.url };
    const r = sb.run(["log", "monitor", "--state", "crash-monitor.json"], cp);
    expect(r.code).toBe(0);
    const distinct = [...new Set(acked.map((a) => a.checkpoint))];
    for (const [i, note] of distinct.slice(-5).entries()) {
      writeFileSync(sb.path(`cp-${i}`), note);
      const c = sb.run(["log", "consistency", "--from", `cp-${i}`], cp);
      expect([i, c.code, c.stderr]).toEqual([i, 0, ""]);
    }
  }, 60_000);
});
