// Proves each golden vector in index.json means what it claims, with @sigstore/verify 4.1.3 itself (not cairn's
// verifier): ok vectors verify (through exactly one of their trusted roots, with the signer the manifest names),
// fail vectors fail with @sigstore/verify's error for their reason, and only for it.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createPublicKey } from "node:crypto";
import { join } from "node:path";
import { toSignedEntity } from "@sigstore/verify";
import { X509Certificate } from "@sigstore/core";
import { checkVector, claimMismatch, loadBundle, REASONS, readVectorFile, VECTORS_DIR, type ManifestVector } from "./sigstore-check.ts";

const manifest = JSON.parse(readFileSync(join(VECTORS_DIR, "index.json"), "utf8")) as { vectors: ManifestVector[] };

/** The times @sigstore/verify checks the certificate at: RFC 3161 genTimes and Rekor v1 integrated times. */
function verifiedTimes(v: ManifestVector): { leaf?: X509Certificate; times: Date[] } {
  const bundle = loadBundle(v);
  const entity = toSignedEntity(bundle, v.artifact ? readVectorFile(v.artifact) : undefined);
  const times = entity.timestamps.map((t) =>
    t.$case === "timestamp-authority" ? t.timestamp.signingTime : new Date(Number(t.tlogEntry.integratedTime) * 1000));
  return { ...(entity.key.$case === "certificate" ? { leaf: entity.key.certificate } : {}), times };
}

describe("verification vectors (checked with @sigstore/verify)", () => {
  for (const v of manifest.vectors) {
    test(`${v.name}: ${v.expect}${v.reason ? ` (${v.reason})` : ""}`, () => {
      const { attempts } = checkVector(v);
      const passed = attempts.filter((a) => a.signer);
      if (v.expect === "ok") {
        expect(passed.length, attempts.map((a) => `${a.root}: ${a.error ?? "ok"}`).join("\n")).toBe(1);
        const signer = passed[0]!.signer!;
        if (v.signer) {
          expect(signer.identity?.subjectAlternativeName).toBe(v.signer.san);
          expect(signer.identity?.extensions?.issuer).toBe(v.signer.issuer);
        } else {
          expect(signer.identity).toBeUndefined();
        }
        const { leaf, times } = verifiedTimes(v);
        for (const t of times) if (leaf) expect(leaf.validForDate(t)).toBe(true);
        return;
      }
      expect(passed.map((a) => a.root)).toEqual([]);
      const pattern = REASONS[v.reason ?? ""];
      expect(pattern, `reason ${v.reason} is one the manifest schema knows`).toBeDefined();
      for (const a of attempts) expect(a.error).toMatch(pattern!);
    });
  }
});

describe("each failure is for its stated reason only", () => {
  const byReason = (...reasons: string[]) => manifest.vectors.filter((v) => v.expect === "fail" && reasons.includes(v.reason ?? ""));

  test("policy failures (identity, issuer, digest) verify once the policy is left out", () => {
    const vs = byReason("identity", "issuer", "digest");
    expect(vs.length).toBeGreaterThanOrEqual(4);
    for (const v of vs) expect(checkVector(v, { policy: false }).attempts.some((a) => a.signer), v.name).toBe(true);
  });

  test("no-verified-time vectors carry no RFC 3161 timestamp and no inclusion promise", () => {
    for (const v of byReason("no-verified-time")) expect(verifiedTimes(v).times, v.name).toEqual([]);
  });

  test("validity failures have a verified time outside the leaf's window (after it, for `expired`)", () => {
    for (const v of byReason("expired", "timestamp-outside-validity")) {
      const { leaf, times } = verifiedTimes(v);
      expect(times.length, v.name).toBeGreaterThan(0);
      for (const t of times) {
        expect(leaf!.validForDate(t), v.name).toBe(false);
        if (v.reason === "expired") expect(t.getTime()).toBeGreaterThan(leaf!.notAfter.getTime());
      }
    }
  });

  test("leaves follow the Fulcio profile: 10 minutes, critical SAN, P-256 key", () => {
    for (const v of manifest.vectors) {
      const { leaf } = verifiedTimes(v);
      if (!leaf) continue;
      expect(leaf.notAfter.getTime() - leaf.notBefore.getTime(), v.name).toBe(10 * 60_000);
      expect(leaf.extSubjectAltName?.critical, v.name).toBe(true);
      expect(leaf.isCA, v.name).toBe(false);
      expect(createPublicKey({ key: leaf.publicKey, format: "der", type: "spki" }).asymmetricKeyDetails?.namedCurve, v.name).toBe("prime256v1");
    }
  });
});

describe("the manifest covers issue 13's cases", () => {
  const bundles = manifest.vectors.map((v) => JSON.parse(readVectorFile(v.bundle).toString("utf8")) as Record<string, any>);

  test("every reason the schema names has a vector", () => {
    const reasons = new Set(manifest.vectors.map((v) => v.reason).filter(Boolean));
    expect([...reasons].sort()).toEqual(Object.keys(REASONS).sort());
  });

  test("bundle versions, media-type spellings, content kinds and tlog kinds", () => {
    const media = new Set(bundles.map((b) => b.mediaType));
    for (const m of ["application/vnd.dev.sigstore.bundle+json;version=0.1", "application/vnd.dev.sigstore.bundle+json;version=0.2",
      "application/vnd.dev.sigstore.bundle+json;version=0.3", "application/vnd.dev.sigstore.bundle.v0.3+json"]) expect(media).toContain(m);
    expect(bundles.some((b) => b.dsseEnvelope && b.verificationMaterial.certificate)).toBe(true);
    expect(bundles.some((b) => b.messageSignature && b.verificationMaterial.x509CertificateChain)).toBe(true);
    expect(bundles.some((b) => b.verificationMaterial.publicKey)).toBe(true);
    const entries = bundles.flatMap((b) => b.verificationMaterial.tlogEntries as Record<string, any>[]);
    expect(entries.some((e) => e.kindVersion.version === "0.0.2" && e.inclusionProof.hashes.length >= 2)).toBe(true);
    expect(entries.some((e) => e.kindVersion.version === "0.0.1" && e.inclusionPromise && e.inclusionProof)).toBe(true);
    expect(entries.some((e) => e.kindVersion.version === "0.0.1" && e.inclusionPromise && !e.inclusionProof)).toBe(true);
  });

  test("every file the manifest names exists, and no private key is committed", () => {
    for (const v of manifest.vectors) for (const p of [v.bundle, ...v.trustedRoots, ...v.keys, ...(v.artifact ? [v.artifact] : [])]) {
      expect(statSync(join(VECTORS_DIR, p)).isFile(), `${v.name}: ${p}`).toBe(true);
    }
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
    for (const f of walk(VECTORS_DIR).filter((f) => !f.endsWith(".ts"))) expect(readFileSync(f, "utf8"), f).not.toContain("PRIVATE KEY");
  });
});

describe("the generator", () => {
  test("regenerates the same manifest and README, and its fresh vectors make the same claims", () => {
    const out = mkdtempSync(join(tmpdir(), "cairn-vectors-test-"));
    try {
      const root = join(VECTORS_DIR, "..", "..");
      const p = Bun.spawnSync([process.execPath, join(root, "scripts", "gen-verify-vectors.ts"), out], { stdout: "pipe", stderr: "pipe" });
      expect(p.exitCode, p.stderr.toString()).toBe(0);
      for (const f of ["index.json", "README.md", "artifacts/release-notes.txt", "artifacts/other.txt"]) {
        expect(readFileSync(join(out, f), "utf8"), f).toBe(readFileSync(join(VECTORS_DIR, f), "utf8"));
      }
      for (const v of manifest.vectors) expect(claimMismatch(v, checkVector(v, { dir: out })), v.name).toBeNull();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 30_000);
});
