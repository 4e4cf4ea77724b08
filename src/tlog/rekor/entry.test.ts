import { describe, expect, test } from "bun:test";
import { TransparencyLogEntry } from "@sigstore/protobuf-specs";
import { CairnError } from "../../errors.ts";
import { canonicalBody } from "./body.ts";
import { parseTransparencyLogEntry, transparencyLogEntry, type LogEntryParts } from "./entry.ts";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const body = canonicalBody({ digest: new Uint8Array(32).fill(1), algorithm: "SHA2_256", signature: new Uint8Array([1, 2]), verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: new Uint8Array([3]) } });
const root = new Uint8Array(32).fill(0xaa);
const PARTS: LogEntryParts = {
  index: 3,
  logId: new Uint8Array(32).fill(0x11),
  body,
  proof: [new Uint8Array(32).fill(2), new Uint8Array(32).fill(3)],
  treeSize: 5,
  rootHash: root,
  checkpoint: `log.cairn.test\n5\n${b64(root)}\n\n\u2014 log.cairn.test AAAAAAAA\n`,
};

function refusal(json: unknown): string {
  try {
    parseTransparencyLogEntry(json);
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe("USAGE");
    return (e as CairnError).message;
  }
  throw new Error("expected USAGE");
}

describe("transparencyLogEntry", () => {
  test("is the proto-JSON TransparencyLogEntry Rekor v2 answers with", () => {
    expect(transparencyLogEntry(PARTS)).toEqual({
      logIndex: "3",
      logId: { keyId: b64(PARTS.logId) },
      kindVersion: { kind: "hashedrekord", version: "0.0.2" },
      integratedTime: "0",
      inclusionProof: { logIndex: "3", rootHash: b64(root), treeSize: "5", hashes: [b64(new Uint8Array(32).fill(2)), b64(new Uint8Array(32).fill(3))], checkpoint: { envelope: PARTS.checkpoint } },
      canonicalizedBody: b64(body),
    });
  });

  test("holds only proto fields: protobuf-specs reads it back to the same JSON (no inclusionPromise)", () => {
    const json = transparencyLogEntry(PARTS);
    const back = TransparencyLogEntry.toJSON(TransparencyLogEntry.fromJSON(json)) as Record<string, unknown>;
    // sigstore-js drops the zero integratedTime on output (proto3 may omit zero values); everything else survives.
    const { integratedTime, ...rest } = json;
    expect(integratedTime).toBe("0");
    expect(back).toEqual(rest);
    expect("inclusionPromise" in json).toBe(false);
  });
});

describe("parseTransparencyLogEntry", () => {
  test("round-trips, also for a one-leaf tree without hashes", () => {
    expect(parseTransparencyLogEntry(transparencyLogEntry(PARTS))).toEqual({ ...PARTS, kindVersion: { kind: "hashedrekord", version: "0.0.2" } });
    const one = { ...PARTS, index: 0, treeSize: 1, proof: [], checkpoint: PARTS.checkpoint.replace("\n5\n", "\n1\n") };
    const json = transparencyLogEntry(one) as { inclusionProof: Record<string, unknown> };
    delete json.inclusionProof["hashes"];
    expect(parseTransparencyLogEntry(json)).toMatchObject({ index: 0, treeSize: 1, proof: [] });
  });

  test("refuses what is not a self-consistent Rekor v2 entry, naming the field", () => {
    const tle = () => structuredClone(transparencyLogEntry(PARTS)) as Record<string, any>;
    const edit = (f: (t: Record<string, any>) => void) => {
      const t = tle();
      f(t);
      return t;
    };
    expect(refusal(edit((t) => delete t["inclusionProof"]))).toMatch(/has no inclusionProof: it is not a Rekor v2 entry/);
    expect(refusal(edit((t) => (t["logIndex"] = "4")))).toMatch(/\.logIndex 4 is not inclusionProof\.logIndex 3/);
    expect(refusal(edit((t) => (t["logIndex"] = t["inclusionProof"].logIndex = "5")))).toMatch(/inclusionProof\.logIndex 5 is not inside the tree of size 5/);
    expect(refusal(edit((t) => (t["inclusionProof"].treeSize = "-1")))).toMatch(/inclusionProof\.treeSize must be a non-negative integer/);
    expect(refusal(edit((t) => (t["inclusionProof"].hashes[1] = b64(new Uint8Array(31)))))).toMatch(/inclusionProof\.hashes\[1\] is 31 bytes, expected a 32-byte SHA-256 hash/);
    expect(refusal(edit((t) => (t["inclusionProof"].rootHash = b64(new Uint8Array(32)))))).toMatch(/checkpoint\.envelope is for tree size 5 and root .*, but the inclusion proof says 5 and AAAA/);
    expect(refusal(edit((t) => (t["inclusionProof"].checkpoint.envelope = "just text")))).toMatch(/checkpoint\.envelope is not a signed checkpoint/);
    expect(refusal(edit((t) => (t["kindVersion"].kind = "dsse")))).toMatch(/kindVersion dsse\/0\.0\.2 does not match the canonicalizedBody \(hashedrekord\/0\.0\.2\)/);
    expect(refusal(edit((t) => (t["canonicalizedBody"] = b64(new TextEncoder().encode("x")))))).toMatch(/not a Rekor entry body/);
    expect(refusal(edit((t) => (t["logId"].keyId = b64(new Uint8Array(4)))))).toMatch(/logId\.keyId is 4 bytes/);
    expect(refusal(edit((t) => delete t["kindVersion"]))).toMatch(/\.kindVersion is missing/);
    expect(refusal(edit((t) => (t["verification"] = {})))).toMatch(/\.verification is not a known field/);
  });

  test("accepts int64s as JSON numbers and proto field names, as protojson does", () => {
    const t = transparencyLogEntry(PARTS) as Record<string, any>;
    const ip = t["inclusionProof"];
    const parsed = parseTransparencyLogEntry({ log_index: 3, log_id: t["logId"], kind_version: t["kindVersion"], canonicalized_body: t["canonicalizedBody"], inclusion_proof: { log_index: 3, root_hash: ip.rootHash, tree_size: 5, hashes: ip.hashes, checkpoint: ip.checkpoint } });
    expect(parsed.index).toBe(3);
  });
});
