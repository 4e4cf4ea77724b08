import { beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { CairnError } from "../errors.ts";
import { keyId } from "../signing/keys.ts";
import type { NamedRoot } from "./trusted-root.ts";
import { verifyBundle } from "./verifier.ts";
import { issueLeaf, makeBundle, makeCa, makeLogV1, makeLogV2, makeTsa, rekorV1Entry, rekorV2Entry, timestamp, trustedRoot, type Ca, type Log, type Tsa } from "./testkit.testutil.ts";

let ca: Ca, otherCa: Ca, tsa: Tsa, log: Log, v1: Log;
let root: NamedRoot;
beforeAll(async () => {
  [ca, otherCa, tsa] = await Promise.all([makeCa("acme"), makeCa("other"), makeTsa("acme-tsa")]);
  log = makeLogV2();
  v1 = makeLogV1();
  root = { name: "acme", json: trustedRoot({ cas: [ca], tsas: [tsa] }) };
});

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe("VERIFY_FAILED");
    return (e as CairnError).message;
  }
  throw new Error("expected VERIFY_FAILED");
}

const tsaWitness = (at: Date) => async (sig: Uint8Array) => ({ timestamps: [await timestamp(tsa, sig, at)] });

describe("certificate-signed bundles", () => {
  test("a DSSE bundle with a TSA timestamp verifies and names signer, CA, root and time", async () => {
    const leaf = await issueLeaf(ca);
    const bytes = await makeBundle({ leaf, witness: tsaWitness(new Date()) });
    const v = verifyBundle(bytes, { keys: [], roots: [root] });
    expect(v.kind).toBe("dsse");
    expect(v.signer).toMatchObject({ kind: "certificate", san: leaf.san, issuer: leaf.issuer, root: "acme", caSubject: "CN=acme-intermediate, O=cairn-test" });
    expect(v.timestamps).toHaveLength(1);
    expect(v.timestamps[0]).toMatchObject({ source: "rfc3161", authority: "acme-tsa", root: "acme" });
    expect((v.statement as { predicateType: string }).predicateType).toBe("https://cairn.dev/attestation/v1");
  });

  test("both v0.3 media-type spellings and v0.2 with a chain are accepted", async () => {
    const leaf = await issueLeaf(ca);
    for (const mediaType of ["application/vnd.dev.sigstore.bundle+json;version=0.3", "application/vnd.dev.sigstore.bundle.v0.3+json"]) {
      expect(verifyBundle(await makeBundle({ leaf, mediaType, witness: tsaWitness(new Date()) }), { keys: [], roots: [root] }).container).toBe(mediaType);
    }
    // v0.2 requires an inclusion proof on every tlog entry; a TSA-only bundle has none.
    const v02 = await makeBundle({ leaf, chain: true, mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.2", witness: tsaWitness(new Date()) });
    expect(verifyBundle(v02, { keys: [], roots: [root] }).signer.kind).toBe("certificate");
  });

  test("no timestamp at all: refused as having no verified time", async () => {
    const leaf = await issueLeaf(ca);
    const bytes = await makeBundle({ leaf });
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [root] }))).toMatch(/^no verified time: .*trusted root acme/);
  });

  test("a timestamp from a TSA in no root does not count as a verified time", async () => {
    const foreign = await makeTsa("foreign-tsa");
    const leaf = await issueLeaf(ca);
    const bytes = await makeBundle({ leaf, witness: async (sig) => ({ timestamps: [await timestamp(foreign, sig, new Date())] }) });
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [root] }))).toMatch(/^no verified time: .*1 timestamp\(s\)\/log entries came from authorities in no trusted root/);
  });

  test("a certificate expired at the signing time is refused with its validity and the time", async () => {
    const leaf = await issueLeaf(ca, { notBefore: new Date(Date.now() - 60 * 60_000), notAfter: new Date(Date.now() - 50 * 60_000) });
    const bytes = await makeBundle({ leaf, witness: tsaWitness(new Date()) });
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [root] }))).toMatch(/^certificate expired at the signing time: valid .* to .*, signed at .*RFC 3161 timestamp from acme-tsa/);
  });

  test("a certificate not yet valid at the signing time", async () => {
    const leaf = await issueLeaf(ca, { notBefore: new Date(Date.now() + 60 * 60_000) });
    const bytes = await makeBundle({ leaf, witness: tsaWitness(new Date()) });
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [root] }))).toMatch(/^certificate not yet valid at the signing time/);
  });

  test("a leaf from a CA in no root: untrusted CA naming its issuer and the roots tried", async () => {
    const leaf = await issueLeaf(otherCa);
    const bytes = await makeBundle({ leaf, witness: tsaWitness(new Date()) });
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [root] }))).toBe(
      "untrusted CA: the certificate was issued by CN=other-intermediate, O=cairn-test, a CA in none of the trusted roots (acme)",
    );
  });

  test("each root is tried in turn and the matching one is reported", async () => {
    const second: NamedRoot = { name: "other", json: trustedRoot({ cas: [otherCa], tsas: [tsa] }) };
    const leaf = await issueLeaf(otherCa);
    const v = verifyBundle(await makeBundle({ leaf, witness: tsaWitness(new Date()) }), { keys: [], roots: [root, second] });
    expect(v.signer).toMatchObject({ kind: "certificate", root: "other", caSubject: "CN=other-intermediate, O=cairn-test" });
  });

  test("an altered payload is a signature mismatch", async () => {
    const leaf = await issueLeaf(ca);
    const doc = JSON.parse(new TextDecoder().decode(await makeBundle({ leaf, witness: tsaWitness(new Date()) })));
    doc.dsseEnvelope.payload = Buffer.from(JSON.stringify({ forged: true })).toString("base64");
    expect(reason(() => verifyBundle(Buffer.from(JSON.stringify(doc)), { keys: [], roots: [root] }))).toMatch(/^signature mismatch: .*certificate's key/);
  });

  test("identity policy: exact SAN, full-match regexp, issuer exact and regexp", async () => {
    const leaf = await issueLeaf(ca);
    const bytes = await makeBundle({ leaf, witness: tsaWitness(new Date()) });
    const v = (identity: object) => verifyBundle(bytes, { keys: [], roots: [root], identity });
    expect(v({ san: leaf.san, issuer: leaf.issuer }).signer.kind).toBe("certificate");
    expect(v({ sanRegexp: "https://cairn\\.test/orgs/acme/.*", issuerRegexp: "https://cairn\\.(test|dev)" }).signer.kind).toBe("certificate");
    expect(reason(() => v({ san: "https://cairn.test/orgs/evil/workflows/app/build" }))).toBe(
      `identity mismatch: certificate SAN is ${leaf.san}, expected https://cairn.test/orgs/evil/workflows/app/build`,
    );
    // Unanchored, "acme" would match anywhere; a user's regexp must match the whole SAN.
    expect(reason(() => v({ sanRegexp: "acme" }))).toMatch(/^identity mismatch: certificate SAN .* does not match acme \(whole value\)/);
    expect(reason(() => v({ issuer: "https://token.actions.githubusercontent.com" }))).toBe(
      "issuer mismatch: certificate OIDC issuer is https://cairn.test, expected https://token.actions.githubusercontent.com",
    );
    expect(reason(() => v({ issuerRegexp: "https://cairn" }))).toMatch(/^issuer mismatch/);
  });

  test("an issuer written only as OID .1 is read", async () => {
    const leaf = await issueLeaf(ca, { issuerV1Only: true, issuer: "https://old.example" });
    const v = verifyBundle(await makeBundle({ leaf, witness: tsaWitness(new Date()) }), { keys: [], roots: [root], identity: { issuer: "https://old.example" } });
    expect(v.signer).toMatchObject({ issuer: "https://old.example" });
  });
});

describe("transparency logs", () => {
  test("a Rekor v2 entry with a TSA timestamp verifies against a root that knows the log", async () => {
    const withLog: NamedRoot = { name: "acme+log", json: trustedRoot({ cas: [ca], tsas: [tsa], logs: [log] }) };
    const leaf = await issueLeaf(ca);
    const bytes = await makeBundle({ leaf, witness: async (sig, d) => ({ timestamps: [await timestamp(tsa, sig, new Date())], tlogEntries: [rekorV2Entry(log, d, sig, leaf.der)] }) });
    const v = verifyBundle(bytes, { keys: [], roots: [withLog] });
    expect(v.tlogEntries).toEqual([{ authority: "https://log.cairn.test", root: "acme+log", logIndex: "1", kind: "hashedrekord/0.0.2" }]);
    expect(v.timestamps.map((t) => t.source)).toEqual(["rfc3161"]);
  });

  test("a root with a log requires an entry from it (tlog threshold 1)", async () => {
    const withLog: NamedRoot = { name: "acme+log", json: trustedRoot({ cas: [ca], tsas: [tsa], logs: [log] }) };
    const leaf = await issueLeaf(ca);
    const bytes = await makeBundle({ leaf, witness: tsaWitness(new Date()) });
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [withLog] }))).toMatch(/^no transparency-log entry from a log of trusted root acme\+log/);
  });

  test("a log that began after the certificate expired is no reason to refuse an unlogged signature (a home's pre-serve bundles)", async () => {
    const leaf = await issueLeaf(ca);
    const bytes = await makeBundle({ leaf, witness: tsaWitness(new Date()) });
    const root = trustedRoot({ cas: [ca], tsas: [tsa], logs: [log] }) as { tlogs: { publicKey: { validFor: { start: string } } }[] };
    // The log's key is valid from a day after now: the certificate (10 minutes) was long expired when it began.
    root.tlogs[0]!.publicKey.validFor = { start: new Date(Date.now() + 86_400_000).toISOString() }; // its own object: validFor is shared
    const later: NamedRoot = { name: "acme+later-log", json: root };
    expect(verifyBundle(bytes, { keys: [], roots: [later] }).tlogEntries).toEqual([]);
  });

  test("a forged checkpoint signature and a tampered inclusion proof are named", async () => {
    const withLog: NamedRoot = { name: "acme+log", json: trustedRoot({ cas: [ca], tsas: [tsa], logs: [log] }) };
    const leaf = await issueLeaf(ca);
    const tamper = (f: (e: Record<string, any>) => void) => async (sig: Uint8Array, d: Uint8Array) => {
      const e = rekorV2Entry(log, d, sig, leaf.der) as Record<string, any>;
      f(e);
      return { timestamps: [await timestamp(tsa, sig, new Date())], tlogEntries: [e] };
    };
    const forged = await makeBundle({ leaf, witness: tamper((e) => (e.inclusionProof.checkpoint.envelope = e.inclusionProof.checkpoint.envelope.replace("\n2\n", "\n3\n"))) });
    expect(reason(() => verifyBundle(forged, { keys: [], roots: [withLog] }))).toMatch(/^bad checkpoint signature: /);
    const badProof = await makeBundle({ leaf, witness: tamper((e) => (e.inclusionProof.hashes = [Buffer.alloc(32, 7).toString("base64")])) });
    expect(reason(() => verifyBundle(badProof, { keys: [], roots: [withLog] }))).toMatch(/^bad inclusion proof: calculated root hash does not match/);
  });

  test("a v0.1 message-signature bundle with a Rekor v1 inclusion promise: the log time is the verified time", async () => {
    const withV1: NamedRoot = { name: "acme+rekor", json: trustedRoot({ cas: [ca], logs: [v1] }) };
    const leaf = await issueLeaf(ca);
    const message = Buffer.from("release artifact bytes");
    const at = new Date(Date.now() - 60_000);
    const bytes = await makeBundle({ leaf, message, chain: true, mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1", witness: async (sig, d) => ({ tlogEntries: [rekorV1Entry(v1, d, sig, leaf.der, at)] }) });
    const v = verifyBundle(bytes, { keys: [], roots: [withV1], artifact: message });
    expect(v.kind).toBe("message");
    expect(v.messageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v.timestamps).toEqual([{ source: "tlog", time: new Date(Math.floor(at.getTime() / 1000) * 1000), authority: "https://rekor.cairn.test", root: "acme+rekor" }]);
    expect(verifyBundle(bytes, { keys: [], roots: [withV1], artifact: message, digest: v.messageDigest }).kind).toBe("message");
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [withV1], artifact: message, digest: `sha256:${"0".repeat(64)}` }))).toMatch(/^digest mismatch: the signed message is/);
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [withV1] }))).toMatch(/message signature: its signed bytes are needed/);
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [withV1], artifact: Buffer.from("other bytes") }))).toMatch(/^signature mismatch/);
  });
});

describe("key-signed bundles and envelopes", () => {
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const other = generateKeyPairSync("ec", { namedCurve: "P-256" });

  test("every key is tried; the signer is the key that verified", async () => {
    const bytes = await makeBundle({ key: pair.privateKey });
    const v = verifyBundle(bytes, { keys: [other.publicKey, pair.publicKey], roots: [] });
    expect(v.signer).toEqual({ kind: "key", keyId: keyId(pair.publicKey) });
    expect(reason(() => verifyBundle(bytes, { keys: [other.publicKey], roots: [] }))).toMatch(/^signature mismatch: none of the 1 given key/);
    expect(reason(() => verifyBundle(bytes, { keys: [], roots: [root] }))).toMatch(/key-signed \(key hint .*\) and no public key was given/);
  });

  test("timestamps from TSAs in no root are ignored; a known TSA's are verified and reported", async () => {
    const foreign = await makeTsa("foreign-tsa");
    const ignored = await makeBundle({ key: pair.privateKey, witness: async (sig) => ({ timestamps: [await timestamp(foreign, sig, new Date())] }) });
    expect(verifyBundle(ignored, { keys: [pair.publicKey], roots: [root] }).timestamps).toEqual([]);
    const known = await makeBundle({ key: pair.privateKey, witness: tsaWitness(new Date()) });
    expect(verifyBundle(known, { keys: [pair.publicKey], roots: [root] }).timestamps).toMatchObject([{ source: "rfc3161", authority: "acme-tsa" }]);
  });

  test("a known TSA's timestamp over other bytes fails the bundle", async () => {
    const bytes = await makeBundle({ key: pair.privateKey, witness: async () => ({ timestamps: [await timestamp(tsa, Buffer.from("not the signature"), new Date())] }) });
    expect(reason(() => verifyBundle(bytes, { keys: [pair.publicKey], roots: [root] }))).toMatch(/^bad RFC 3161 timestamp: /);
  });

  test("--digest must be a subject digest of a DSSE statement", async () => {
    const bytes = await makeBundle({ key: pair.privateKey });
    expect(verifyBundle(bytes, { keys: [pair.publicKey], roots: [], digest: `sha256:${"ab".repeat(32)}` }).kind).toBe("dsse");
    expect(reason(() => verifyBundle(bytes, { keys: [pair.publicKey], roots: [], digest: `sha256:${"cd".repeat(32)}` }))).toBe(
      `digest mismatch: sha256:${"cd".repeat(32)} is not a subject digest of the statement`,
    );
  });

  test("garbage, non-objects and unknown shapes are refused with a reason", () => {
    const p = { keys: [pair.publicKey], roots: [] };
    expect(reason(() => verifyBundle(Buffer.from("{"), p))).toBe("the attestation is not valid JSON");
    expect(reason(() => verifyBundle(Buffer.from("[]"), p))).toBe("the attestation is not a JSON object");
    expect(reason(() => verifyBundle(Buffer.from('{"a":1}'), p))).toBe("the attestation is not a Sigstore bundle or DSSE envelope");
    expect(reason(() => verifyBundle(Buffer.from('{"mediaType":"x"}'), p))).toMatch(/^not a valid Sigstore bundle/);
  });
});

describe("identity policy parsing", () => {
  test("flags become the policy once; bad values are USAGE errors naming the flag", async () => {
    const { identityFromFlags, digestFromFlag } = await import("./policy.ts");
    expect(identityFromFlags({})).toBeUndefined();
    expect(identityFromFlags({ certificateIdentity: "a", certificateOidcIssuerRegexp: "https://.*" })).toEqual({ san: "a", issuerRegexp: "https://.*" });
    expect(() => identityFromFlags({ certificateOidcIssuer: "a", certificateOidcIssuerRegexp: "b" })).toThrow("--certificate-oidc-issuer and --certificate-oidc-issuer-regexp are exclusive");
    expect(() => identityFromFlags({ certificateIdentityRegexp: "(" })).toThrow("--certificate-identity-regexp \"(\" is not a valid regular expression");
    expect(digestFromFlag(`SHA256:${"AB".repeat(32)}`)).toBe(`sha256:${"ab".repeat(32)}`);
    expect(() => digestFromFlag("sha256:abc")).toThrow("--digest");
  });
});
