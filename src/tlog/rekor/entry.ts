// The proto-JSON TransparencyLogEntry Rekor v2 answers `POST /api/v2/log/entries` with, and that goes verbatim into a
// bundle's verificationMaterial.tlogEntries. int64s are decimal strings, bytes standard base64; integratedTime is 0
// and there is no inclusionPromise (a v2 log gives no time: clients need a TSA timestamp). Only fields of the proto
// appear: Go clients parse with protojson, which refuses unknown ones.
import { array, b64, bytes, object, required, string, uint, usage } from "./fields.ts";

export interface LogEntryParts {
  index: number;
  /** The log's ID (the full 32-byte key hash). */
  logId: Uint8Array;
  /** The canonicalized body (body.ts). */
  body: Uint8Array;
  /** RFC 6962 inclusion proof, leaf to root. */
  proof: Uint8Array[];
  treeSize: number;
  rootHash: Uint8Array;
  /** The signed note of the checkpoint the proof is for. */
  checkpoint: string;
}

export function transparencyLogEntry(p: LogEntryParts): Record<string, unknown> {
  const { kind, version } = kindVersionOf(p.body);
  return {
    logIndex: String(p.index),
    logId: { keyId: b64(p.logId) },
    kindVersion: { kind, version },
    integratedTime: "0",
    inclusionProof: {
      logIndex: String(p.index),
      rootHash: b64(p.rootHash),
      treeSize: String(p.treeSize),
      hashes: p.proof.map(b64),
      checkpoint: { envelope: p.checkpoint },
    },
    canonicalizedBody: b64(p.body),
  };
}

/** A TransparencyLogEntry with an inclusion proof and checkpoint (Rekor v2), checked for shape and self-consistency. */
export function parseTransparencyLogEntry(json: unknown): LogEntryParts & { kindVersion: { kind: string; version: string } } {
  const P = "the transparency log entry";
  const o = object(json, P, ["logIndex", "logId", "kindVersion", "integratedTime", "inclusionPromise", "inclusionProof", "canonicalizedBody"]);
  const logId = bytes(required(object(required(o, "logId", P), `${P}.logId`, ["keyId"]), "keyId", `${P}.logId`), `${P}.logId.keyId`);
  if (logId.length !== 32) usage(`${P}.logId.keyId is ${logId.length} bytes, expected a 32-byte log ID`);
  const kv = object(required(o, "kindVersion", P), `${P}.kindVersion`, ["kind", "version"]);
  const kindVersion = { kind: string(required(kv, "kind", `${P}.kindVersion`), `${P}.kindVersion.kind`), version: string(required(kv, "version", `${P}.kindVersion`), `${P}.kindVersion.version`) };
  const body = bytes(required(o, "canonicalizedBody", P), `${P}.canonicalizedBody`);
  const inBody = tryKindVersion(body);
  if (!inBody || inBody.kind !== kindVersion.kind || inBody.version !== kindVersion.version) {
    usage(`${P}.kindVersion ${kindVersion.kind}/${kindVersion.version} does not match the canonicalizedBody (${inBody ? `${inBody.kind}/${inBody.version}` : "not a Rekor entry body"})`);
  }
  if (o["inclusionProof"] === undefined) usage(`${P} has no inclusionProof: it is not a Rekor v2 entry`, "Rekor v1 entries (inclusionPromise only) cannot be proven against a checkpoint");
  const IP = `${P}.inclusionProof`;
  const ip = object(o["inclusionProof"], IP, ["logIndex", "rootHash", "treeSize", "hashes", "checkpoint"]);
  const index = uint(required(ip, "logIndex", IP), `${IP}.logIndex`);
  if (o["logIndex"] !== undefined && uint(o["logIndex"], `${P}.logIndex`) !== index) usage(`${P}.logIndex ${String(o["logIndex"])} is not inclusionProof.logIndex ${index}`);
  const treeSize = uint(required(ip, "treeSize", IP), `${IP}.treeSize`);
  if (index >= treeSize) usage(`${IP}.logIndex ${index} is not inside the tree of size ${treeSize}`);
  const rootHash = hash32(required(ip, "rootHash", IP), `${IP}.rootHash`);
  const proof = ip["hashes"] === undefined ? [] : array(ip["hashes"], `${IP}.hashes`).map((h, i) => hash32(h, `${IP}.hashes[${i}]`));
  const cp = object(required(ip, "checkpoint", IP), `${IP}.checkpoint`, ["envelope"]);
  const checkpoint = string(required(cp, "envelope", `${IP}.checkpoint`), `${IP}.checkpoint.envelope`);
  checkCheckpointHead(checkpoint, treeSize, rootHash, `${IP}.checkpoint.envelope`);
  return { index, logId, body, proof, treeSize, rootHash, checkpoint, kindVersion };
}

function hash32(v: unknown, path: string): Uint8Array {
  const h = bytes(v, path);
  if (h.length !== 32) usage(`${path} is ${h.length} bytes, expected a 32-byte SHA-256 hash`);
  return h;
}

/** The checkpoint's size and root lines must be the proof's (verifiers take them from the checkpoint). */
function checkCheckpointHead(note: string, treeSize: number, rootHash: Uint8Array, path: string): void {
  const blank = note.indexOf("\n\n");
  const lines = (blank < 0 ? "" : note.slice(0, blank)).split("\n");
  if (lines.length < 3) usage(`${path} is not a signed checkpoint (origin, size and root hash lines, a blank line, signatures)`);
  if (lines[1] !== String(treeSize) || lines[2] !== b64(rootHash)) {
    usage(`${path} is for tree size ${lines[1]} and root ${lines[2]}, but the inclusion proof says ${treeSize} and ${b64(rootHash)}`);
  }
}

function tryKindVersion(body: Uint8Array): { kind: string; version: string } | undefined {
  try {
    const e = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body)) as { kind?: unknown; apiVersion?: unknown };
    return typeof e.kind === "string" && typeof e.apiVersion === "string" ? { kind: e.kind, version: e.apiVersion } : undefined;
  } catch {
    return undefined;
  }
}

function kindVersionOf(body: Uint8Array): { kind: string; version: string } {
  const kv = tryKindVersion(body);
  if (!kv) throw new Error("transparencyLogEntry: the body is not a Rekor entry body (JSON with kind and apiVersion)");
  return kv;
}
