// End to end: a bundle cairn signed goes through cairn's client request, the log's parsing, verification and
// canonical body, into a one- or two-leaf RFC 6962 tree with an Ed25519-signed checkpoint, and the resulting
// TransparencyLogEntry in the bundle is accepted by @sigstore/verify (tlogThreshold 1) and by cairn's verifyBundle,
// and rejected by both after one flipped byte in a proof hash, the checkpoint or the canonicalized body.
import { beforeAll, describe, expect, test } from "bun:test";
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier, type Signer } from "@sigstore/verify";
import { CairnError } from "../../errors.ts";
import { issueLeaf, makeBundle, makeCa, makeLogV2, makeTsa, timestamp, trustedRoot, type Ca, type Log, type Tsa } from "../../trust/testkit.testutil.ts";
import { verifyBundle } from "../../trust/verifier.ts";
import { canonicalBody } from "./body.ts";
import { hashedRekordRequestFor } from "./client-request.ts";
import { transparencyLogEntry } from "./entry.ts";
import { parseCreateEntryRequest } from "./request.ts";
import { toLoggedEntry } from "./verify.ts";

type Json = Record<string, any>;
const sha256 = (...parts: Uint8Array[]) => new Uint8Array(createHash("sha256").update(Buffer.concat(parts)).digest());
const leafHash = (d: Uint8Array) => sha256(new Uint8Array([0]), d);
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(new Uint8Array([1]), l, r);
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const SAN = /^https:\/\/cairn\.test\/orgs\/acme\/workflows\/app\/build$/;

let ca: Ca, tsa: Tsa, log: Log, rootJson: Json;
beforeAll(async () => {
  [ca, tsa] = await Promise.all([makeCa("rekor-e2e"), makeTsa("rekor-e2e-tsa")]);
  log = makeLogV2("https://log.cairn.test");
  rootJson = trustedRoot({ cas: [ca], tsas: [tsa], logs: [log] });
});

/** A C2SP checkpoint signed as a note by the log's Ed25519 key: origin = key name = the baseUrl's host. */
function checkpoint(size: number, root: Uint8Array): string {
  const note = `${log.origin}\n${size}\n${b64(root)}\n`;
  const sig = sign(null, Buffer.from(note), log.key);
  return `${note}\n\u2014 ${log.origin} ${b64(new Uint8Array(Buffer.concat([log.logId.subarray(0, 4), sig])))}\n`;
}

/** Logs a signed bundle (JSON) as the last leaf of a tree of `size` 1 or 2 and puts the TLE in its tlogEntries. */
function logged(bundle: Json, size: 1 | 2, opts?: { publicKeySpki?: Uint8Array }): Json {
  const wire = JSON.parse(JSON.stringify(hashedRekordRequestFor(bundle, opts)));
  const body = canonicalBody(toLoggedEntry(parseCreateEntryRequest(wire)));
  const ours = leafHash(body);
  const other = leafHash(new TextEncoder().encode("an earlier entry"));
  const [index, rootHash, proof] = size === 1 ? [0, ours, []] : [1, nodeHash(other, ours), [other]];
  const tle = transparencyLogEntry({ index, logId: log.logId, body, proof, treeSize: size, rootHash, checkpoint: checkpoint(size, rootHash) });
  return { ...bundle, verificationMaterial: { ...bundle["verificationMaterial"], tlogEntries: [tle] } };
}

async function signed(p: Parameters<typeof makeBundle>[0]): Promise<Json> {
  const bytes = await makeBundle({ ...p, witness: async (sig) => ({ timestamps: [await timestamp(tsa, sig, new Date())] }) });
  return JSON.parse(new TextDecoder().decode(bytes)) as Json;
}

function sigstoreVerify(bundle: Json, o: { artifact?: Uint8Array; key?: KeyObject } = {}): Signer {
  const keys = o.key ? () => ({ publicKey: o.key!, validFor: () => true }) : undefined;
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(rootJson), keys), { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 1 });
  const entity = toSignedEntity(bundleFromJSON(bundle), o.artifact ? Buffer.from(o.artifact) : undefined);
  return verifier.verify(entity, o.key ? undefined : { subjectAlternativeName: SAN, extensions: { issuer: "https://cairn.test" } });
}

const cairnVerify = (bundle: Json, o: { artifact?: Uint8Array; key?: KeyObject } = {}) =>
  verifyBundle(new TextEncoder().encode(JSON.stringify(bundle)), { keys: o.key ? [o.key] : [], roots: [{ name: "e2e", json: rootJson }], ...(o.artifact ? { artifact: o.artifact } : {}) });

/** The bundle with one byte of its TLE changed by `f`. */
function tampered(bundle: Json, f: (tle: Json) => void): Json {
  const copy = structuredClone(bundle);
  f(copy["verificationMaterial"].tlogEntries[0]);
  return copy;
}
const flipB64 = (s: string, at: number) => {
  const b = Buffer.from(s, "base64");
  b[at]! ^= 0x01;
  return b.toString("base64");
};

function cairnRefuses(bundle: Json, pattern: RegExp): void {
  let err: unknown;
  try {
    cairnVerify(bundle);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CairnError);
  expect((err as CairnError).code).toBe("VERIFY_FAILED");
  expect((err as CairnError).message).toMatch(pattern);
}

describe("keyless DSSE bundle logged in cairn's Rekor v2 format", () => {
  test("two-leaf tree: @sigstore/verify and cairn's verifyBundle accept it", async () => {
    const bundle = logged(await signed({ leaf: await issueLeaf(ca) }), 2);
    expect(sigstoreVerify(bundle).identity?.subjectAlternativeName).toBe("https://cairn.test/orgs/acme/workflows/app/build");
    const v = cairnVerify(bundle);
    expect(v.tlogEntries).toEqual([{ authority: "https://log.cairn.test", root: "e2e", logIndex: "1", kind: "hashedrekord/0.0.2" }]);
    expect(v.signer).toMatchObject({ kind: "certificate", issuer: "https://cairn.test" });
  });

  test("one-leaf tree (empty proof): accepted", async () => {
    const bundle = logged(await signed({ leaf: await issueLeaf(ca) }), 1);
    expect(bundle["verificationMaterial"].tlogEntries[0].inclusionProof.hashes).toEqual([]);
    expect(sigstoreVerify(bundle).identity?.subjectAlternativeName).toMatch(SAN);
    expect(cairnVerify(bundle).tlogEntries[0]?.logIndex).toBe("0");
  });

  test("a flipped byte in a proof hash, the checkpoint or the canonicalized body is rejected", async () => {
    const bundle = logged(await signed({ leaf: await issueLeaf(ca) }), 2);
    const badProof = tampered(bundle, (t) => (t["inclusionProof"].hashes[0] = flipB64(t["inclusionProof"].hashes[0], 7)));
    expect(() => sigstoreVerify(badProof)).toThrow(/calculated root hash does not match/);
    cairnRefuses(badProof, /^bad inclusion proof/);

    const badCheckpoint = tampered(bundle, (t) => {
      const env: string = t["inclusionProof"].checkpoint.envelope;
      const at = env.indexOf("\n", env.indexOf("\n") + 1) + 3; // inside the root hash line
      t["inclusionProof"].checkpoint.envelope = env.slice(0, at) + (env[at] === "A" ? "B" : "A") + env.slice(at + 1);
    });
    expect(() => sigstoreVerify(badCheckpoint)).toThrow(/invalid checkpoint signature/);
    cairnRefuses(badCheckpoint, /^bad checkpoint signature/);

    const badSig = tampered(bundle, (t) => {
      const env: string = t["inclusionProof"].checkpoint.envelope;
      const line = env.lastIndexOf(" ") + 1;
      t["inclusionProof"].checkpoint.envelope = env.slice(0, line) + flipB64(env.slice(line, -1), 20) + "\n";
    });
    expect(() => sigstoreVerify(badSig)).toThrow(/invalid checkpoint signature/);

    // Byte 200 of the body is inside the base64 of the certificate: still JSON, but not the logged leaf.
    const badBody = tampered(bundle, (t) => (t["canonicalizedBody"] = flipB64(t["canonicalizedBody"], 200)));
    expect(() => sigstoreVerify(badBody)).toThrow(/calculated root hash does not match/);
    cairnRefuses(badBody, /^bad inclusion proof/);

    // A genuine entry, but for another signature: the body's signature is not the bundle's.
    const other = await signed({ leaf: await issueLeaf(ca) });
    const swapped = { ...other, verificationMaterial: { ...other["verificationMaterial"], tlogEntries: bundle["verificationMaterial"].tlogEntries } };
    expect(() => sigstoreVerify(swapped)).toThrow(/signature mismatch/);
    cairnRefuses(swapped, /^transparency-log entry does not match the bundle: signature mismatch/);
  });
});

describe("other signatures logged the same way", () => {
  test("a message signature (hashedRekordRequestV002, verified over the digest): accepted with the artifact", async () => {
    const artifact = new TextEncoder().encode("release.tar.gz bytes");
    const bundle = logged(await signed({ leaf: await issueLeaf(ca), message: artifact }), 2);
    expect(sigstoreVerify(bundle, { artifact }).identity?.subjectAlternativeName).toMatch(SAN);
    expect(cairnVerify(bundle, { artifact }).kind).toBe("message");
  });

  test("a key-signed Ed25519 DSSE bundle (PKIX_ED25519 verifier): accepted with the key", async () => {
    const ed = generateKeyPairSync("ed25519");
    const bundle = logged(await signed({ key: ed.privateKey }), 2, { publicKeySpki: new Uint8Array(ed.publicKey.export({ format: "der", type: "spki" })) });
    expect(sigstoreVerify(bundle, { key: ed.publicKey })).toBeDefined();
    expect(cairnVerify(bundle, { key: ed.publicKey }).tlogEntries).toHaveLength(1);
  });
});
