import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CairnError } from "../errors.ts";
import { PREDICATE_TYPE } from "../crafter/statement.ts";
import type { IdentityPolicy } from "../trust/policy.ts";
import type { CheckedLogEntry, CheckedTimestamp, Signer } from "../trust/verifier.ts";
import { sha256 } from "../crafter/sha256.ts";

export interface VerifyInput {
  bundlePath: string;
  keys: KeyObject[];
  /** --trusted-root files: when given, the only roots trusted (with the keys); else the home's set. */
  trustedRoots: string[];
  home: string;
  identity?: IdentityPolicy;
  requireTlog?: boolean;
  /** sha256:HEX (already checked at the edge). */
  digest?: string;
  /** Expected predicate type; cairn's own by default; "any" accepts every one. */
  predicateType?: string;
  /** `NAME=sha256:…` pairs that must appear among the subjects. */
  subjects: { name: string; digest: string }[];
  /** Files whose sha256 must be the digest of some subject (DSSE), or the signed file (message signature). */
  artifacts: string[];
  cwd: string;
}

export interface VerifyResult {
  verified: true;
  bundleDigest: string;
  kind: "dsse" | "message";
  signer: Signer;
  /** The signer's key id, for key-signed bundles (as before certificates were verified). */
  keyId?: string;
  /** Certificate-signed bundle verified without an identity policy: anyone the CA certifies could have signed it. */
  identityRequired: boolean;
  /** Roots that were trusted for this verification. */
  trustedRoots: string[];
  timestamps: CheckedTimestamp[];
  tlogEntries: CheckedLogEntry[];
  predicateType?: string;
  messageDigest?: string;
  subjects: { name?: string; digest: Record<string, string> }[];
  checked: string[];
}

interface StatementShape {
  _type?: unknown;
  predicateType?: unknown;
  subject?: { name?: string; digest?: Record<string, string> }[];
}

/** The signature (verifyBundle), then for attestations the statement type, predicate type and subjects. */
export async function verifyAttestation(input: VerifyInput): Promise<VerifyResult> {
  const bytes = readInput(input.cwd, input.bundlePath, "bundle");
  const artifacts = input.artifacts.map((p) => ({ path: p, bytes: readInput(input.cwd, p, "artifact") }));
  const { homeRoots, rootFiles } = await import("./trust-roots.ts");
  const roots = input.trustedRoots.length > 0 ? rootFiles(input.cwd, input.trustedRoots) : homeRoots(input.home, { publicGood: true });
  const { verifyBundle } = await import("../trust/verifier.ts"); // sigstore libraries: loaded only to verify
  const v = verifyBundle(bytes, {
    keys: input.keys,
    roots,
    ...(input.identity && { identity: input.identity }),
    ...(input.requireTlog && { requireTlog: true }),
    ...(input.digest && { digest: input.digest }),
    // A message signature is over the file itself; DSSE bundles ignore this.
    ...(artifacts.length === 1 && { artifact: artifacts[0]!.bytes }),
  });
  const fail = (reason: string): never => {
    throw new CairnError("VERIFY_FAILED", `${input.bundlePath}: ${reason}`);
  };
  const base = {
    verified: true as const,
    bundleDigest: sha256(bytes),
    kind: v.kind,
    signer: v.signer,
    ...(v.signer.kind === "key" && { keyId: v.signer.keyId }),
    identityRequired: v.signer.kind === "certificate" && input.identity !== undefined,
    trustedRoots: roots.map((r) => r.name),
    timestamps: v.timestamps,
    tlogEntries: v.tlogEntries,
  };
  const checked: string[] = input.digest ? [`digest ${input.digest}`] : [];
  if (v.kind === "message") {
    if (input.subjects.length > 0) fail("the bundle is a message signature over a file, not an attestation: --subject does not apply");
    if (artifacts.length > 1) fail("a message signature signs one file: pass one --artifact");
    return { ...base, messageDigest: v.messageDigest!, subjects: [], checked: [...checked, `artifact ${artifacts[0]!.path}`] };
  }
  if (v.payloadType !== "application/vnd.in-toto+json") fail(`payload type is ${v.payloadType}, not an in-toto statement`);
  const st = (v.statement ?? {}) as StatementShape;
  if (st._type !== "https://in-toto.io/Statement/v1" && st._type !== "https://in-toto.io/Statement/v0.1") {
    fail(`payload is not an in-toto statement (_type ${JSON.stringify(st._type)})`);
  }
  const expected = input.predicateType ?? PREDICATE_TYPE;
  if (expected !== "any" && st.predicateType !== expected) fail(`predicate type is ${String(st.predicateType)}, expected ${expected}`);
  const subjects = Array.isArray(st.subject) ? st.subject : [];
  for (const want of input.subjects) {
    const hex = want.digest.replace(/^sha256:/, "");
    if (!subjects.some((s) => s.name === want.name && s.digest?.sha256 === hex)) fail(`no subject ${want.name} with digest ${want.digest}`);
    checked.push(`subject ${want.name}`);
  }
  for (const a of artifacts) {
    const hex = sha256(a.bytes).slice(7);
    if (!subjects.some((s) => s.digest?.sha256 === hex)) fail(`artifact ${a.path} (sha256:${hex}) is not a subject of this attestation`);
    checked.push(`artifact ${a.path}`);
  }
  return {
    ...base,
    predicateType: String(st.predicateType),
    subjects: subjects.map((s) => ({ name: s.name, digest: s.digest ?? {} })),
    checked,
  };
}

function readInput(cwd: string, path: string, what: string): Uint8Array {
  try {
    return readFileSync(resolve(cwd, path));
  } catch {
    throw new CairnError("NOT_FOUND", `${what} ${path} does not exist`);
  }
}
