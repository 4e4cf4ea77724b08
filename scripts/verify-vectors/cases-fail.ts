// Vectors that must fail, each for exactly one reason (the manifest's `reason`). Where the reason is a policy
// (identity, issuer, digest) the vector reuses an ok vector's bundle, so nothing but the policy differs.
import { generateKeyPairSync } from "node:crypto";
import { sha256 } from "./bundle.ts";
import {
  addJson, ARTIFACT, ARTIFACT_BYTES, dsseBundle, keylessDsse, messageBundle, keylessMessage, OTHER_ARTIFACT, OTHER_ARTIFACT_BYTES, publicPem,
  ROOT_CAIRN, ROOT_REKOR_V1, ROOT_REKOR_V2, sha256Ref, tsaTimestamp, type Ctx, type Vector,
} from "./common.ts";
import { hashedRekordV2Body, v01Bundle } from "./cases-ok.ts";
import { CAIRN_IDENTITY, GITHUB_IDENTITY } from "./pki.ts";
import { rekorV2Entry } from "./rekor.ts";

const cairnPolicy = { certificateIdentity: CAIRN_IDENTITY.san, certificateOidcIssuer: CAIRN_IDENTITY.issuer };
const PAST = new Date("2025-06-01T12:00:00Z");
const FUTURE = new Date("2124-01-01T12:00:00Z");

export function failVectors(ctx: Ctx): Vector[] {
  const out: Vector[] = [];
  const fail = (name: string, reason: NonNullable<Vector["reason"]>, description: string, rest: Partial<Vector>, b?: Record<string, unknown>): void => {
    const path = rest.bundle ?? `bundles/${name}.json`;
    if (b) addJson(ctx, path, b);
    out.push({ name, description, bundle: path, trustedRoots: [ROOT_CAIRN], keys: [], policy: cairnPolicy, ...rest, expect: "fail", reason });
  };

  fail("fail-expired-no-timestamp", "no-verified-time", "keyless DSSE whose certificate expired in 2025, with no timestamp and no tlog entry: nothing gives a verified time",
    {}, dsseBundle(keylessDsse(ctx, "fail-expired-no-timestamp", { start: PAST })));

  const late = keylessDsse(ctx, "fail-tsa-after-expiry", { start: PAST });
  fail("fail-tsa-after-expiry", "timestamp-outside-validity", "keyless DSSE whose certificate expired in 2025; the RFC 3161 time (generation time) is after notAfter",
    {}, dsseBundle(late, { timestamps: [tsaTimestamp(ctx, late.sig)] }));

  const early = keylessDsse(ctx, "fail-tsa-before-validity", { start: FUTURE });
  fail("fail-tsa-before-validity", "timestamp-outside-validity", "keyless DSSE whose certificate becomes valid in 2124; the RFC 3161 time is before notBefore",
    {}, dsseBundle(early, { timestamps: [tsaTimestamp(ctx, early.sig)] }));

  fail("fail-tlog-time-after-expiry", "expired", "bundle v0.1 whose only verified time (Rekor v1 integratedTime, 10:30) is after the certificate's 10-minute window (10:00-10:10)",
    { trustedRoots: [ROOT_REKOR_V1], artifact: ARTIFACT, policy: { ...cairnPolicy, digest: sha256Ref(ARTIFACT_BYTES) } },
    v01Bundle(ctx, "fail-tlog-time-after-expiry", new Date("2026-01-15T10:30:00Z")));

  fail("fail-identity", "identity", "the ok-dsse-v03-tsa bundle with a policy naming another workflow's SAN",
    { bundle: "bundles/ok-dsse-v03-tsa.json", policy: { ...cairnPolicy, certificateIdentity: "https://cairn.test/orgs/acme/workflows/app/deploy" } });

  fail("fail-issuer", "issuer", "the ok-message-v03-github bundle (issuer OID .8 = GitHub Actions) with a policy asking for issuer https://cairn.test",
    { bundle: "bundles/ok-message-v03-github.json", artifact: ARTIFACT, policy: { certificateIdentity: GITHUB_IDENTITY.san, certificateOidcIssuer: "https://cairn.test" } });

  const mixed = keylessDsse(ctx, "fail-issuer-oid8-wins", { identity: { ...CAIRN_IDENTITY, issuerV2: "https://evil.test" } });
  fail("fail-issuer-oid8-wins", "issuer", "certificate with issuer OID .1 = https://cairn.test but .8 = https://evil.test; .8 is the issuer, so a policy for https://cairn.test fails",
    {}, dsseBundle(mixed, { timestamps: [tsaTimestamp(ctx, mixed.sig)] }));

  const twin = keylessDsse(ctx, "fail-untrusted-ca", { ca: ctx.twin });
  fail("fail-untrusted-ca", "untrusted-ca", "keyless DSSE from a look-alike CA (same subject names as the trusted one, other keys); timestamp from the trusted TSA",
    {}, dsseBundle(twin, { timestamps: [tsaTimestamp(ctx, twin.sig)] }));

  const t = keylessDsse(ctx, "fail-rekor-v2-proof-tampered");
  const tampered = rekorV2Entry(ctx.rekorV2, hashedRekordV2Body(t.pae, t.sig, t.leaf.der), "hashedrekord");
  const proof = tampered.inclusionProof as { hashes: string[] };
  const h = Buffer.from(proof.hashes[1]!, "base64");
  h[0] = h[0]! ^ 0x01;
  proof.hashes[1] = h.toString("base64");
  fail("fail-rekor-v2-proof-tampered", "tlog-proof", "Rekor v2 entry whose inclusion proof has one hash changed (one bit of hashes[1]); checkpoint and TSA are valid",
    { trustedRoots: [ROOT_REKOR_V2] }, dsseBundle(t, { timestamps: [tsaTimestamp(ctx, t.sig)], tlogEntries: [tampered] }));

  const f = keylessDsse(ctx, "fail-rekor-v2-checkpoint-forged");
  const forger = generateKeyPairSync("ed25519").privateKey;
  fail("fail-rekor-v2-checkpoint-forged", "checkpoint", "Rekor v2 entry whose checkpoint is signed by another Ed25519 key under the trusted log's name and key hint",
    { trustedRoots: [ROOT_REKOR_V2] },
    dsseBundle(f, { timestamps: [tsaTimestamp(ctx, f.sig)], tlogEntries: [rekorV2Entry(ctx.rekorV2, hashedRekordV2Body(f.pae, f.sig, f.leaf.der), "hashedrekord", forger)] }));

  const n = keylessDsse(ctx, "fail-rekor-v2-no-timestamp");
  fail("fail-rekor-v2-no-timestamp", "no-verified-time", "valid Rekor v2 entry (integratedTime 0, no inclusion promise) and no TSA timestamp: nothing gives a verified time",
    { trustedRoots: [ROOT_REKOR_V2] }, dsseBundle(n, { tlogEntries: [rekorV2Entry(ctx.rekorV2, hashedRekordV2Body(n.pae, n.sig, n.leaf.der), "hashedrekord")] }));

  const p = keylessDsse(ctx, "fail-payload-tampered");
  const changed = Buffer.from(p.payload.toString("utf8").replace(/"sha256":"[0-9a-f]+"/, `"sha256":"${sha256(OTHER_ARTIFACT_BYTES).toString("hex")}"`));
  fail("fail-payload-tampered", "signature", "keyless DSSE whose payload was changed after signing (another subject digest); certificate and timestamp are valid",
    { policy: cairnPolicy }, dsseBundle({ ...p, payload: changed }, { timestamps: [tsaTimestamp(ctx, p.sig)] }));

  fail("fail-message-digest", "digest", "the ok-message-v02-chain bundle with --digest naming another file",
    { bundle: "bundles/ok-message-v02-chain.json", artifact: ARTIFACT, policy: { ...cairnPolicy, digest: sha256Ref(OTHER_ARTIFACT_BYTES) } });

  fail("fail-dsse-digest", "digest", "the ok-dsse-v03-tsa bundle with --digest naming no subject of its statement",
    { bundle: "bundles/ok-dsse-v03-tsa.json", policy: { ...cairnPolicy, digest: sha256Ref(OTHER_ARTIFACT_BYTES) } });

  const m = keylessMessage(ctx, "fail-message-signature");
  ctx.files.set(OTHER_ARTIFACT, OTHER_ARTIFACT_BYTES);
  fail("fail-message-signature", "signature", "message signature over release-notes.txt whose messageDigest was replaced by other.txt's; the digest matches the policy, the signature does not",
    { artifact: OTHER_ARTIFACT, policy: { ...cairnPolicy, digest: sha256Ref(OTHER_ARTIFACT_BYTES) } },
    messageBundle({ ...m, digest: sha256(OTHER_ARTIFACT_BYTES) }, { timestamps: [tsaTimestamp(ctx, m.signature)] }));

  ctx.files.set("keys/unrelated.pub.pem", publicPem(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey));
  fail("fail-untrusted-key", "signature", "the ok-key-dsse bundle checked with an unrelated public key",
    { bundle: "bundles/ok-key-dsse.json", trustedRoots: [], keys: ["keys/unrelated.pub.pem"], policy: {} });
  return out;
}
