import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CairnError } from "../errors.ts";
import { PREDICATE_TYPE } from "../crafter/statement.ts";
import { sha256 } from "./materials/evaluate.ts";

export interface VerifyInput {
  bundlePath: string;
  keys: KeyObject[];
  /** Expected predicate type; cairn's own by default. */
  predicateType?: string;
  /** `NAME=sha256:…` pairs that must appear among the subjects. */
  subjects: { name: string; digest: string }[];
  /** Files whose sha256 must be the digest of some subject. */
  artifacts: string[];
  cwd: string;
}

export interface VerifyResult {
  verified: true;
  bundleDigest: string;
  keyId: string;
  predicateType: string;
  subjects: { name?: string; digest: Record<string, string> }[];
  checked: string[];
}

interface StatementShape {
  _type?: unknown;
  predicateType?: unknown;
  subject?: { name?: string; digest?: Record<string, string> }[];
}

/** Signature over the DSSE PAE (by a key we were given), then the statement type, predicate type and subjects. */
export async function verifyAttestation(input: VerifyInput): Promise<VerifyResult> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(resolve(input.cwd, input.bundlePath));
  } catch {
    throw new CairnError("NOT_FOUND", `bundle ${input.bundlePath} does not exist`);
  }
  const { verifyBundle } = await import("../signing/verify.ts"); // sigstore libraries: loaded only to verify
  const v = verifyBundle(bytes, input.keys);
  const fail = (reason: string): never => {
    throw new CairnError("VERIFY_FAILED", `${input.bundlePath}: ${reason}`);
  };
  if (v.payloadType !== "application/vnd.in-toto+json") fail(`payload type is ${v.payloadType}, not an in-toto statement`);
  const st = v.statement as StatementShape;
  if (st._type !== "https://in-toto.io/Statement/v1" && st._type !== "https://in-toto.io/Statement/v0.1") {
    fail(`payload is not an in-toto statement (_type ${JSON.stringify(st._type)})`);
  }
  const expected = input.predicateType ?? PREDICATE_TYPE;
  if (st.predicateType !== expected) fail(`predicate type is ${String(st.predicateType)}, expected ${expected}`);
  const subjects = Array.isArray(st.subject) ? st.subject : [];
  const checked: string[] = [];
  for (const want of input.subjects) {
    const hex = want.digest.replace(/^sha256:/, "");
    if (!subjects.some((s) => s.name === want.name && s.digest?.sha256 === hex)) fail(`no subject ${want.name} with digest ${want.digest}`);
    checked.push(`subject ${want.name}`);
  }
  for (const path of input.artifacts) {
    let hex: string;
    try {
      hex = sha256(readFileSync(resolve(input.cwd, path))).slice(7);
    } catch {
      throw new CairnError("NOT_FOUND", `artifact ${path} does not exist`);
    }
    if (!subjects.some((s) => s.digest?.sha256 === hex)) fail(`artifact ${path} (sha256:${hex}) is not a subject of this attestation`);
    checked.push(`artifact ${path}`);
  }
  return {
    verified: true,
    bundleDigest: sha256(bytes),
    keyId: v.keyId,
    predicateType: expected,
    subjects: subjects.map((s) => ({ name: s.name, digest: s.digest ?? {} })),
    checked,
  };
}
