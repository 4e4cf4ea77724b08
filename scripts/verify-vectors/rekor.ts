// Two tiny transparency logs for the vectors, with node:crypto only: RFC 6962 Merkle trees and inclusion proofs,
// C2SP signed-note checkpoints (Ed25519 for Rekor v2, ECDSA P-256 for Rekor v1), and Rekor v1 signed entry
// timestamps (wire reference §5, §6, §7, §9).
import { createHash, sign, type KeyObject } from "node:crypto";

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

export const leafHash = (data: Uint8Array): Buffer => sha256(Buffer.from([0]), data);
const nodeHash = (l: Buffer, r: Buffer): Buffer => sha256(Buffer.from([1]), l, r);

/** Largest power of two strictly below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes (RFC 6962 §2.1). */
export function treeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256(new Uint8Array());
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

/** PATH(m, D[0:n]) over leaf hashes, ordered leaf → root. */
export function inclusionPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...inclusionPath(m, leaves.slice(0, k)), treeHash(leaves.slice(k))]
    : [...inclusionPath(m - k, leaves.slice(k)), treeHash(leaves.slice(0, k))];
}

/** JSON with sorted keys and no whitespace (RFC 8785 for the strings and integers the logs use). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** A log: its key, its name (signed-note key name), its 32-byte log ID, and the note signature scheme. */
export interface Log {
  name: string;
  /** Checkpoint origin line (Rekor v1 appends " - <tree id>"). */
  origin: string;
  baseUrl: string;
  key: KeyObject;
  spki: Buffer;
  logId: Buffer;
  kind: "ed25519" | "ecdsa";
}

/** A C2SP signed note: `text` plus one signature line `— name base64(keyId[4] ‖ sig)`. */
export function signNote(text: string, log: Log, key: KeyObject = log.key): string {
  const sig = log.kind === "ed25519" ? sign(null, Buffer.from(text), key) : sign("sha256", Buffer.from(text), key);
  return `${text}\n\u2014 ${log.name} ${Buffer.concat([log.logId.subarray(0, 4), sig]).toString("base64")}\n`;
}

/** Filler entries around the vector's own entry, so the tree has size 5 and the proof is not trivial. */
function fillerBodies(log: Log): Buffer[] {
  return [0, 1, 2, 3].map((i) => Buffer.from(canonicalJson({ filler: i, log: log.name })));
}

export interface Proof {
  logIndex: string;
  rootHash: string;
  treeSize: string;
  hashes: string[];
  checkpoint: { envelope: string };
}

/** Places `body` at index 3 of a 5-leaf tree and returns its inclusion proof with a signed checkpoint. */
export function inclusionProof(log: Log, body: Buffer, noteKey?: KeyObject): Proof {
  const INDEX = 3;
  const bodies = fillerBodies(log);
  bodies.splice(INDEX, 0, body);
  const leaves = bodies.map(leafHash);
  const root = treeHash(leaves);
  const text = `${log.origin}\n${leaves.length}\n${root.toString("base64")}\n`;
  return {
    logIndex: String(INDEX),
    rootHash: root.toString("base64"),
    treeSize: String(leaves.length),
    hashes: inclusionPath(INDEX, leaves).map((h) => h.toString("base64")),
    checkpoint: { envelope: signNote(text, log, noteKey) },
  };
}

/** A Rekor v2 TransparencyLogEntry (proto JSON) for a canonicalized body: inclusion proof, no promise, time 0. */
export function rekorV2Entry(log: Log, body: Buffer, kind: string, noteKey?: KeyObject): Record<string, unknown> {
  const proof = inclusionProof(log, body, noteKey);
  return {
    logIndex: proof.logIndex,
    logId: { keyId: log.logId.toString("base64") },
    kindVersion: { kind, version: "0.0.2" },
    integratedTime: "0",
    inclusionProof: proof,
    canonicalizedBody: body.toString("base64"),
  };
}

/**
 * A Rekor v1 TransparencyLogEntry: the signed entry timestamp (ECDSA over the canonical JSON of body, integratedTime,
 * logID in hex, logIndex, as the v1 REST API returned it) converted to the bundle's base64 form, and, when
 * `withProof`, an inclusion proof with a v1 checkpoint.
 */
export function rekorV1Entry(log: Log, body: Buffer, kind: string, integratedTime: Date, withProof: boolean): Record<string, unknown> {
  const proof = withProof ? inclusionProof(log, body) : undefined;
  const logIndex = proof ? Number(proof.logIndex) : 7;
  const time = Math.floor(integratedTime.getTime() / 1000);
  const setPayload = canonicalJson({ body: body.toString("base64"), integratedTime: time, logID: log.logId.toString("hex"), logIndex });
  const set = sign("sha256", Buffer.from(setPayload), log.key);
  return {
    logIndex: String(logIndex),
    logId: { keyId: log.logId.toString("base64") },
    kindVersion: { kind, version: "0.0.1" },
    integratedTime: String(time),
    inclusionPromise: { signedEntryTimestamp: set.toString("base64") },
    ...(proof ? { inclusionProof: proof } : {}),
    canonicalizedBody: body.toString("base64"),
  };
}

/** Rekor v2 log ID for an Ed25519 note key: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw public key). */
export function ed25519LogId(name: string, spki: Buffer): Buffer {
  const raw = spki.subarray(spki.length - 32);
  return sha256(Buffer.from(`${name}\n`), Buffer.from([1]), raw);
}

/** Rekor v1 (and ECDSA note) log ID: SHA-256(SPKI DER). */
export const spkiLogId = (spki: Buffer): Buffer => sha256(spki);
