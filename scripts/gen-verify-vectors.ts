// Generates the golden verification vectors in test/vectors/: Sigstore bundles, the trusted roots they verify (or
// fail to verify) against, public keys for the key-signed ones, the signed artifacts of message signatures, the
// manifest index.json (schema in notes/keyless-design.md) and README.md (one line per vector).
//
// The vectors come from a private Sigstore of their own, independent of cairn's CA and TSA code:
//   - certificates (root → intermediate → 10-minute leaf, Fulcio profile; TSA leaf with critical EKU timeStamping)
//     and RFC 3161 timestamp tokens are made by the openssl CLI (`openssl req`, `openssl ca`, `openssl ts`);
//   - DSSE and message signatures, Rekor v1 signed entry timestamps, C2SP checkpoints (Ed25519 for Rekor v2,
//     ECDSA for Rekor v1) and RFC 6962 Merkle trees (size 5) are made with node:crypto.
// Every TSA token and every ok leaf chain is self-checked with `openssl ts -verify` / `openssl verify` on the way.
// test/vectors/vectors.test.ts then checks each vector's claim with @sigstore/verify itself.
//
// Regenerate: ./node_modules/.bin/bun scripts/gen-verify-vectors.ts [OUT_DIR]   (needs openssl on PATH; ~1 s)
// What is deterministic: names, identities, statements, artifacts, CA validity (2025-01-01 .. 2125-01-01), the Rekor
// v1 vectors' times (2026-01-15) and tree shapes. What is not: every key (fresh each run, private keys are never
// written outside a scratch directory that is deleted), ECDSA signatures, and the TSA time, which is the clock at
// generation (openssl ts cannot be told another time), so the leaves of TSA-timestamped vectors are dated around it.
// Regenerating therefore rewrites every file; commit them together.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { trustedRoot } from "./verify-vectors/bundle.ts";
import { failVectors } from "./verify-vectors/cases-fail.ts";
import { okVectors } from "./verify-vectors/cases-ok.ts";
import {
  ARTIFACT, ARTIFACT_BYTES, addJson, makeLogs, ROOT_CAIRN, ROOT_OTHER, ROOT_REKOR_V1, ROOT_REKOR_V2, type Ctx,
} from "./verify-vectors/common.ts";
import { OpenSsl } from "./verify-vectors/openssl.ts";
import { makeAuthority } from "./verify-vectors/pki.ts";

// Optional argument: another output directory (the test regenerates into a temporary one and compares).
const OUT = process.argv[2] ?? join(import.meta.dir, "..", "test", "vectors");
const GENERATED = ["bundles", "roots", "keys", "artifacts"];

const scratch = mkdtempSync(join(tmpdir(), "cairn-vectors-"));
try {
  const ssl = new OpenSsl(scratch);
  const ctx: Ctx = {
    ssl,
    cairn: makeAuthority(ssl, "cairn", "cairn-vectors"),
    other: makeAuthority(ssl, "other", "other-org"),
    twin: makeAuthority(ssl, "twin", "cairn-vectors"),
    ...makeLogs(),
    now: new Date(Math.floor(Date.now() / 1000) * 1000),
    files: new Map(),
  };
  ctx.files.set(ARTIFACT, ARTIFACT_BYTES);
  addJson(ctx, ROOT_CAIRN, trustedRoot([ctx.cairn]));
  addJson(ctx, ROOT_OTHER, trustedRoot([ctx.other]));
  addJson(ctx, ROOT_REKOR_V1, trustedRoot([ctx.cairn], [ctx.rekorV1]));
  addJson(ctx, ROOT_REKOR_V2, trustedRoot([ctx.cairn], [ctx.rekorV2]));
  const vectors = [...okVectors(ctx), ...failVectors(ctx)];

  mkdirSync(OUT, { recursive: true });
  for (const dir of GENERATED) rmSync(join(OUT, dir), { recursive: true, force: true });
  for (const [path, data] of ctx.files) {
    mkdirSync(dirname(join(OUT, path)), { recursive: true });
    writeFileSync(join(OUT, path), data);
  }
  writeFileSync(join(OUT, "index.json"), `${JSON.stringify({ vectors }, null, 2)}\n`);
  writeFileSync(join(OUT, "README.md"), readme(vectors));
  console.log(`wrote ${vectors.length} vectors and ${ctx.files.size} files to ${OUT}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

function readme(vectors: { name: string; expect: string; reason?: string; description: string }[]): string {
  return [
    "# Verification vectors",
    "",
    "Golden Sigstore bundles for cairn's verifier, made by `scripts/gen-verify-vectors.ts` from a private Sigstore of",
    "their own (openssl CLI for certificates and RFC 3161 tokens, node:crypto for signatures, logs and checkpoints).",
    "`index.json` is the manifest; `vectors.test.ts` proves each claim with @sigstore/verify 4.1.3 directly.",
    "Regenerate with `./node_modules/.bin/bun scripts/gen-verify-vectors.ts` (this file is generated too).",
    "",
    "Trusted roots: `roots/cairn.json` (CA + TSA, no logs), `roots/cairn-rekor-v1.json` and `roots/cairn-rekor-v2.json`",
    "(the same plus one log), `roots/other-org.json` (another organization's CA + TSA). No private keys are kept.",
    "",
    ...vectors.map((v) => `- \`${v.name}\` (${v.expect === "ok" ? "ok" : `fail: ${v.reason}`}): ${v.description}`),
    "",
  ].join("\n");
}
