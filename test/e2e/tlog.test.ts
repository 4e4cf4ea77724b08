// The transparency log of `cairn serve`, through the compiled binary and implementations we did not write:
// sigstore-js logs to it with RekorWitness (v2) and @sigstore/verify checks the result with tlogThreshold 1 and only
// the served trusted root; a keyless `att push` is logged and its bundle verifies there too, and fails with any byte
// of the proof, checkpoint or body flipped; the tiles rebuild to the checkpoint's root with this file's own RFC 6962
// code (no cairn code but the HTTP fetch); `cairn log checkpoint | prove | consistency | monitor` work over HTTP.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { writeFileSync } from "node:fs";
import { bundleFromJSON, bundleToJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness } from "@sigstore/sign";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const sb = new Sandbox();
let served: Served;
let token: string;
let env: Record<string, string>;

const sha = (...parts: Uint8Array[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
const rootJson = async () => (await (await fetch(`${served.url}/api/v1/trusted-root`)).json()) as Record<string, unknown>;
const verifier = async () => new Verifier(toTrustMaterial(TrustedRoot.fromJSON(await rootJson())), { ctlogThreshold: 0, tlogThreshold: 1, timestampThreshold: 1 });

beforeAll(async () => {
  sb.ok(["ca", "init"]);
  sb.ok(["att", "init", "--workflow", "build", "--project", "app"]);
  sb.ok(["att", "reset"]);
  token = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--project", "app", "--workflow", "build"]).token;
  served = await serve(sb);
  env = { CAIRN_CONTROL_PLANE: served.url, CAIRN_TOKEN: token };
  writeFileSync(sb.path("app.bin"), "app\n");
});
afterAll(async () => {
  await served?.stop();
  sb.cleanup();
});

describe("sigstore-js logs to cairn serve", () => {
  test("FulcioSigner + RekorWitness v2 + TSAWitness; @sigstore/verify accepts with tlogThreshold 1 and only the served root", async () => {
    expect(served.stderr()).toContain("transparency log on: origin 127.0.0.1");
    const id = (await (await fetch(`${served.url}/api/v1/identity-token`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: "{}" })).json()) as { token: string };
    const signer = new FulcioSigner({ fulcioBaseURL: served.url, identityProvider: { getToken: async () => id.token } });
    const witnesses = [new RekorWitness({ rekorBaseURL: served.url, majorApiVersion: 2 }), new TSAWitness({ tsaBaseURL: served.url })];
    const statement = { _type: "https://in-toto.io/Statement/v1", subject: [{ name: "x", digest: { sha256: "c".repeat(64) } }], predicateType: "https://example.com/p", predicate: {} };
    const bundle = await new DSSEBundleBuilder({ signer, witnesses }).create({ data: Buffer.from(JSON.stringify(statement)), type: "application/vnd.in-toto+json" });
    const json = bundleToJSON(bundle);
    expect(json.verificationMaterial.tlogEntries).toHaveLength(1);
    expect(json.verificationMaterial.tlogEntries[0]!.inclusionProof?.checkpoint?.envelope).toContain("127.0.0.1");
    (await verifier()).verify(toSignedEntity(bundleFromJSON(json)));
  });
});

describe("a keyless att push is on the record", () => {
  let bundle: Record<string, any>;

  test("the bundle carries the entry; @sigstore/verify (tlogThreshold 1) and cairn att verify --require-tlog accept it", async () => {
    sb.ok(["att", "init", "--workflow", "build", "--project", "app"], env);
    sb.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"], env);
    sb.ok(["att", "push", "--bundle", "logged.json"], env);
    bundle = JSON.parse(await Bun.file(sb.path("logged.json")).text());
    const e = bundle.verificationMaterial.tlogEntries[0];
    expect(e.kindVersion).toEqual({ kind: "hashedrekord", version: "0.0.2" });
    (await verifier()).verify(toSignedEntity(bundleFromJSON(bundle)));
    writeFileSync(sb.path("root.json"), JSON.stringify(await rootJson()));
    const v = sb.run(["att", "verify", "--bundle", "logged.json", "--trusted-root", "root.json", "--require-tlog", "--predicate-type", "any"]);
    expect(v.code).toBe(0);
  });

  test("one flipped byte in a proof hash, the checkpoint or the canonicalized body: both verifiers reject", async () => {
    const flip = (b64: string, at: number) => {
      const b = Buffer.from(b64, "base64");
      b[at % b.length]! ^= 0x01;
      return b.toString("base64");
    };
    const variants: [string, (e: any) => void][] = [
      ["proof hash", (e) => (e.inclusionProof.hashes.length > 0 ? (e.inclusionProof.hashes[0] = flip(e.inclusionProof.hashes[0], 5)) : (e.inclusionProof.checkpoint.envelope = e.inclusionProof.checkpoint.envelope.replace(/\n(\d+)\n/, (_m: string, n: string) => `\n${Number(n) + 1}\n`)))],
      ["checkpoint", (e) => (e.inclusionProof.checkpoint.envelope = e.inclusionProof.checkpoint.envelope.replace(/\n([A-Za-z0-9+/=]{44})\n/, (_m: string, r: string) => `\n${flip(r, 3)}\n`))],
      ["canonicalized body", (e) => (e.canonicalizedBody = flip(e.canonicalizedBody, 40))],
    ];
    const v = await verifier();
    for (const [what, tamper] of variants) {
      const copy = structuredClone(bundle);
      tamper(copy.verificationMaterial.tlogEntries[0]);
      expect([what, JSON.stringify(copy) !== JSON.stringify(bundle)]).toEqual([what, true]);
      expect(() => v.verify(toSignedEntity(bundleFromJSON(copy)))).toThrow();
      writeFileSync(sb.path("tampered.json"), JSON.stringify(copy));
      const r = sb.run(["att", "verify", "--bundle", "tampered.json", "--trusted-root", "root.json", "--require-tlog", "--predicate-type", "any"]);
      expect([what, r.code]).toEqual([what, 1]);
    }
  });

  test("a key-signed push to a server with a log is logged by the server; a re-push is recognised; a bad entry is refused", async () => {
    sb.ok(["keys", "generate", "--output-prefix", "k"]);
    sb.ok(["org", "key", "add", "--name", "k", "--key", "k.pub"]);
    sb.ok(["att", "init", "--workflow", "build", "--project", "app"], env);
    sb.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"], env);
    sb.ok(["att", "push", "--key", "k.key", "--bundle", "keyed.json"], env);
    const keyed = JSON.parse(await Bun.file(sb.path("keyed.json")).text());
    expect(keyed.verificationMaterial.tlogEntries).toHaveLength(1);
    // Re-pushed as the client signed it (without the entry the server added): the same push, answered with the stored bundle.
    const unlogged = { ...keyed, verificationMaterial: { ...keyed.verificationMaterial, tlogEntries: [] } };
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const again = await fetch(`${served.url}/api/v1/attestations`, { method: "POST", headers, body: JSON.stringify(unlogged) });
    const body = (await again.json()) as { created: boolean; digest: string; bundle: string };
    expect([again.status, body.created]).toEqual([200, false]);
    expect(body.digest).toBe(`sha256:${createHash("sha256").update(new Uint8Array(await Bun.file(sb.path("keyed.json")).arrayBuffer())).digest("hex")}`);
    // An entry that does not verify is refused, whatever else the bundle holds.
    const forged = structuredClone(keyed);
    forged.verificationMaterial.tlogEntries[0].canonicalizedBody = Buffer.from("{}").toString("base64");
    const refused = await fetch(`${served.url}/api/v1/attestations`, { method: "POST", headers, body: JSON.stringify(forged) });
    expect(refused.status).toBe(422);
  });
});

describe("the published tiles, read with this file's own RFC 6962 code", () => {
  test("rebuilding the tree from /api/v1/log/tile/… gives the checkpoint's root; entry bundles hash to the leaves", async () => {
    const note = await (await fetch(`${served.url}/api/v1/log/checkpoint`)).text();
    const [origin, sizeLine, rootLine] = note.split("\n");
    expect(origin).toBe("127.0.0.1");
    const size = Number(sizeLine);
    expect(size).toBeGreaterThanOrEqual(3);
    // Checkpoint signature: Ed25519 over the text before the blank line, key from the trusted root.
    const tlog = ((await rootJson()).tlogs as { publicKey: { rawBytes: string } }[])[0]!;
    const key = createPublicKey({ key: Buffer.from(tlog.publicKey.rawBytes, "base64"), format: "der", type: "spki" });
    const text = note.slice(0, note.indexOf("\n\n") + 1);
    const sigLine = note.slice(note.indexOf("\n\n") + 2).split("\n")[0]!;
    const sig = Buffer.from(sigLine.split(" ")[2]!, "base64").subarray(4);
    expect(nodeVerify(null, Buffer.from(text), key, sig)).toBe(true);

    const group = (n: number) => {
      const s = String(n).padStart(3 * Math.ceil(String(n).length / 3), "0");
      const parts = s.match(/.{3}/g)!;
      return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join("/");
    };
    // Level 0 only: the tree is small. Fetch the (partial) tile and the entry bundle.
    const width = size % 256 || 256;
    expect(size).toBeLessThan(256);
    const tile = new Uint8Array(await (await fetch(`${served.url}/api/v1/log/tile/0/${group(0)}.p/${width}`)).arrayBuffer());
    expect(tile.length).toBe(size * 32);
    const bundleBytes = new Uint8Array(await (await fetch(`${served.url}/api/v1/log/tile/entries/${group(0)}.p/${width}`)).arrayBuffer());
    const leaves: Buffer[] = [];
    for (let off = 0, i = 0; off < bundleBytes.length; i++) {
      const len = (bundleBytes[off]! << 8) | bundleBytes[off + 1]!;
      const leaf = sha(Uint8Array.of(0), bundleBytes.subarray(off + 2, off + 2 + len));
      expect(leaf.equals(Buffer.from(tile.subarray(i * 32, i * 32 + 32)))).toBe(true);
      leaves.push(leaf);
      off += 2 + len;
    }
    expect(leaves.length).toBe(size);
    const mth = (xs: Buffer[]): Buffer => {
      if (xs.length === 1) return xs[0]!;
      let k = 1;
      while (k * 2 < xs.length) k *= 2;
      return sha(Uint8Array.of(1), mth(xs.slice(0, k)), mth(xs.slice(k)));
    };
    expect(mth(leaves).toString("base64")).toBe(rootLine!);
    expect((await fetch(`${served.url}/api/v1/log/tile/0/${group(0)}`)).status).toBe(404); // not full yet
    expect((await fetch(`${served.url}/api/v1/log/tile/0/0`)).status).toBe(400); // not a C2SP path
  });
});

describe("cairn log over HTTP", () => {
  test("checkpoint, prove --bundle, consistency --from, monitor --state (first run, then the appended entries)", async () => {
    const cp = { CAIRN_CONTROL_PLANE: served.url };
    const first = sb.ok(["log", "checkpoint", "--trusted-root", "root.json"], cp).stdout;
    writeFileSync(sb.path("old.checkpoint"), first);
    const m1 = sb.json<{ size: number; appended: unknown[] }>(["log", "monitor", "--state", "mon.json", "--trusted-root", "root.json"], cp);
    expect(m1.appended.length).toBe(m1.size);
    sb.ok(["att", "init", "--workflow", "build", "--project", "app"], env);
    sb.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"], env);
    sb.ok(["att", "push", "--bundle", "later.json"], env);
    const proved = sb.json<{ index: number; treeSize: number; hashes: string[] }>(["log", "prove", "--bundle", "later.json", "--trusted-root", "root.json"], cp);
    expect(proved.treeSize).toBe(m1.size + 1);
    const consistent = sb.json<{ fromSize: number; toSize: number }>(["log", "consistency", "--from", "old.checkpoint", "--trusted-root", "root.json"], cp);
    expect(consistent).toMatchObject({ fromSize: m1.size, toSize: m1.size + 1 });
    const m2 = sb.json<{ size: number; appended: { index: number; signer: string }[] }>(["log", "monitor", "--state", "mon.json"], cp);
    expect(m2.appended.map((e) => e.index)).toEqual([m1.size]);
    expect(m2.appended[0]!.signer).toBe(`${served.url}/orgs/default/workflows/app/build`);
  });
});

describe("across an air gap", () => {
  test("export carries the checkpoint and each bundle's proof; import verifies and records them, and refuses a rolled-back log", async () => {
    const digestOf = async (f: string) => `sha256:${createHash("sha256").update(new Uint8Array(await Bun.file(sb.path(f)).arrayBuffer())).digest("hex")}`;
    sb.ok(["export", "-o", "a.tar", "--digest", await digestOf("logged.json")]);
    sb.ok(["att", "init", "--workflow", "build", "--project", "app"], env);
    sb.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"], env);
    sb.ok(["att", "push", "--bundle", "final.json"], env);
    sb.ok(["export", "-o", "b.tar", "--digest", await digestOf("final.json")]);

    const rcv = new Sandbox();
    try {
      rcv.ok(["trust-root", "add", "server", sb.path("root.json")]);
      const b = rcv.json<{ log?: { origin: string; size: number } }>(["import", sb.path("b.tar"), "--allow-unsigned"]);
      expect(b.log?.origin).toBe("127.0.0.1");
      const a = rcv.run(["import", sb.path("a.tar"), "--allow-unsigned"]);
      expect(a.code).toBe(1);
      expect(a.stderr).toContain("the log was rolled back");
      // A receiving home that does not trust the log's root refuses the checkpoint.
      const other = new Sandbox();
      try {
        other.ok(["ca", "init"]);
        const r = other.run(["import", sb.path("b.tar"), "--allow-unsigned"]);
        expect(r.code).toBe(1);
      } finally {
        other.cleanup();
      }
    } finally {
      rcv.cleanup();
    }
  });
});
