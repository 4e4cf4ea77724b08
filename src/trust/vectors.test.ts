// cairn's verifier over every golden vector of test/vectors/index.json (made independently of cairn, with openssl
// and node:crypto): ok vectors verify with the manifest's signer, fail vectors fail with the one-line reason that
// names their failure.
import { describe, expect, test } from "bun:test";
import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CairnError } from "../errors.ts";
import type { ManifestVector } from "../../test/vectors/sigstore-check.ts";
import { digestFromFlag, identityFromFlags, type TrustPolicy } from "./policy.ts";
import { verifyBundle } from "./verifier.ts";

const DIR = join(import.meta.dir, "../../test/vectors");
const manifest = JSON.parse(readFileSync(join(DIR, "index.json"), "utf8")) as { vectors: ManifestVector[] };
const read = (p: string) => readFileSync(join(DIR, p));

/** What cairn's reason starts with, for each manifest reason. */
const REASONS: Record<string, RegExp> = {
  "untrusted-ca": /^untrusted CA: /,
  "no-verified-time": /^no verified time: /,
  identity: /^identity mismatch: certificate SAN /,
  issuer: /^issuer mismatch: certificate OIDC issuer /,
  expired: /^certificate expired at the signing time: /,
  "timestamp-outside-validity": /^certificate (expired|not yet valid) at the signing time: /,
  "tlog-proof": /^bad inclusion proof: /,
  checkpoint: /^bad checkpoint signature: /,
  signature: /^signature mismatch: /,
  digest: /^digest mismatch: /,
};

/** The manifest's policy as `att verify` builds it from the same flags. */
function policyOf(v: ManifestVector): TrustPolicy {
  const identity = identityFromFlags(v.policy);
  const digest = digestFromFlag(v.policy.digest);
  return {
    keys: v.keys.map((k) => createPublicKey(read(k))),
    roots: v.trustedRoots.map((r) => ({ name: r, json: JSON.parse(read(r).toString("utf8")) as object })),
    ...(identity && { identity }),
    ...(digest && { digest }),
    ...(v.artifact && { artifact: read(v.artifact) }),
  };
}

describe("golden vectors through cairn's verifier", () => {
  test("the manifest covers every reason cairn names", () => {
    const reasons = new Set(manifest.vectors.map((v) => v.reason).filter(Boolean));
    for (const r of reasons) expect(REASONS[r!], `reason ${r}`).toBeDefined();
    expect(manifest.vectors.length).toBeGreaterThanOrEqual(20);
  });

  for (const v of manifest.vectors) {
    test(`${v.name}: ${v.expect}${v.reason ? ` (${v.reason})` : ""}`, () => {
      const bytes = read(v.bundle);
      if (v.expect === "ok") {
        const out = verifyBundle(bytes, policyOf(v));
        if (v.signer) {
          expect(out.signer).toMatchObject({ kind: "certificate", san: v.signer.san, issuer: v.signer.issuer });
          expect(v.trustedRoots).toContain(out.signer.kind === "certificate" ? out.signer.root : "");
          // A certificate needs a verified time inside its validity: every reported time is one.
          expect(out.timestamps.length).toBeGreaterThan(0);
          if (out.signer.kind === "certificate") for (const t of out.timestamps) expect(t.time >= out.signer.notBefore && t.time <= out.signer.notAfter).toBe(true);
        } else {
          expect(out.signer.kind).toBe("key");
        }
        return;
      }
      let err: unknown;
      try {
        verifyBundle(bytes, policyOf(v));
      } catch (e) {
        err = e;
      }
      expect(err, `${v.name} must fail`).toBeInstanceOf(CairnError);
      expect((err as CairnError).code).toBe("VERIFY_FAILED");
      expect((err as CairnError).message).toMatch(REASONS[v.reason!]!);
    });
  }
});
