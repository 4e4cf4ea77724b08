// The transparency log's identity in a home: an Ed25519 key (`<home>/log/log.key`, 0600, encrypted with
// CAIRN_CA_PASSWORD when set; `log.pub` beside it) and `log.json` naming its origin — the checkpoint origin line and
// signed-note key name, which is the bare hostname clients reach the log at (what sigstore-go compares and
// sigstore-js looks for in the log's baseUrl). The log ID, SHA-256(origin ‖ 0x0A ‖ 0x01 ‖ key), depends on the
// origin, so the origin is fixed the first time the log is served and a later server under another hostname refuses
// to start rather than publish a second identity for the same tree.
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { privateKeyPem, readPrivateKey } from "../../ca/keys.ts";
import { CairnError } from "../../errors.ts";
import { noteSigner, noteVerifier, type NoteSigner } from "../../tlog/note.ts";
import { writeFileAtomic } from "../atomic-file.ts";
import { fileStamp } from "../file-stamp.ts";

export const logDir = (home: string) => join(home, "log");
const keyPath = (home: string) => join(logDir(home), "log.key");
const pubPath = (home: string) => join(logDir(home), "log.pub");
const metaPath = (home: string) => join(logDir(home), "log.json");
const ORIGIN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$|^\[?[0-9a-f:.]+\]?$/i;

interface LogMeta {
  version: 1;
  origin?: string;
  /** Where the log was last served (the trusted root's baseUrl). */
  baseUrl?: string;
  createdAt: string;
}

export interface LogIdentity {
  origin: string;
  baseUrl: string;
  signer: NoteSigner;
  publicKeySpki: Uint8Array;
  createdAt: string;
}

export const hasLogKey = (home: string) => existsSync(keyPath(home));

/** `cairn log init` (and `cairn ca init`): a new Ed25519 key; the origin now, or when first served. */
export function initLogKey(home: string, o: { now: Date; password?: string; origin?: string; force?: boolean }): { publicKeyPem: string } {
  if (hasLogKey(home) && !o.force) {
    throw new CairnError("ALREADY_EXISTS", `this home already has a transparency log key (${keyPath(home)})`, { hint: "a log keeps one key for life: a new key is a new log, which verifiers must be told about" });
  }
  if (o.origin !== undefined) checkOrigin(o.origin, "--origin");
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pub = publicKey.export({ type: "spki", format: "pem" }).toString();
  writeFileAtomic(keyPath(home), privateKeyPem(privateKey, o.password), 0o600);
  writeFileAtomic(pubPath(home), pub, 0o644);
  writeMeta(home, { version: 1, ...(o.origin && { origin: o.origin }), createdAt: o.now.toISOString() });
  return { publicKeyPem: pub };
}

/**
 * The log as served at `publicUrl`: fixes the origin on first use (the URL's hostname), refuses a different one
 * later, and records the baseUrl for the trusted root. Undefined when the home has no log key.
 */
export function serveLogIdentity(home: string, publicUrl: string, password: string | undefined): LogIdentity | undefined {
  if (!hasLogKey(home)) return undefined;
  const meta = readMeta(home);
  const host = new URL(publicUrl).hostname;
  const origin = meta.origin ?? host;
  if (origin !== host) {
    throw new CairnError("USAGE", `the transparency log's origin is ${origin}, but this server's public URL names ${host}`, {
      hint: `start with --public-url on host ${origin}: the origin is part of the log's identity and cannot change`,
    });
  }
  if (meta.origin !== origin || meta.baseUrl !== publicUrl) writeMeta(home, { ...meta, origin, baseUrl: publicUrl });
  return identity(home, origin, publicUrl, meta.createdAt, password);
}

/** The log as last served (for the home's trusted root and local commands); undefined before it was ever served. */
export function servedLogIdentity(home: string, password: string | undefined): LogIdentity | undefined {
  if (!hasLogKey(home)) return undefined;
  const meta = readMeta(home);
  if (!meta.origin || !meta.baseUrl) return undefined;
  return identity(home, meta.origin, meta.baseUrl, meta.createdAt, password);
}

const rootEntries = new Map<string, { stamp: string; entry: Record<string, unknown> | undefined }>();

/**
 * The log's entry of a trusted_root.json (`tlogs[]`), without touching its private key; undefined before the log
 * was first served. Kept while log.json and log.pub are unchanged (a server asks on every push).
 */
export function servedLogRootEntry(home: string): Record<string, unknown> | undefined {
  const stamp = fileStamp(metaPath(home), pubPath(home));
  const hit = rootEntries.get(home);
  if (hit && hit.stamp === stamp) return hit.entry;
  let entry: Record<string, unknown> | undefined;
  if (hasLogKey(home)) {
    const meta = readMeta(home);
    if (meta.origin && meta.baseUrl) {
      const spki = new Uint8Array(createPublicKey(readFileSync(pubPath(home), "utf8")).export({ type: "spki", format: "der" }));
      entry = tlogEntryJson(meta.origin, meta.baseUrl, spki, meta.createdAt);
    }
  }
  rootEntries.set(home, { stamp, entry });
  return entry;
}

export function tlogEntryJson(origin: string, baseUrl: string, spki: Uint8Array, createdAt: string): Record<string, unknown> {
  const { logId } = noteVerifier(origin, createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }));
  return {
    baseUrl,
    hashAlgorithm: "SHA2_256",
    publicKey: { rawBytes: Buffer.from(spki).toString("base64"), keyDetails: "PKIX_ED25519", validFor: { start: createdAt } },
    logId: { keyId: Buffer.from(logId).toString("base64") },
  };
}

function identity(home: string, origin: string, baseUrl: string, createdAt: string, password: string | undefined): LogIdentity {
  const key: KeyObject = readPrivateKey(readFileSync(keyPath(home), "utf8"), { password, source: keyPath(home), passwordEnv: "CAIRN_CA_PASSWORD" });
  if (key.asymmetricKeyType !== "ed25519") throw new CairnError("STORE_INVALID", `${keyPath(home)} is not an Ed25519 key`, { hint: "restore it from a backup" });
  const publicKeySpki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  return { origin, baseUrl, signer: noteSigner(origin, key), publicKeySpki, createdAt };
}

function checkOrigin(origin: string, what: string): void {
  if (!ORIGIN.test(origin)) throw new CairnError("USAGE", `${what} ${JSON.stringify(origin)} is not a hostname`, { hint: "the bare host clients reach the server at, e.g. cairn.example.com (no scheme, port or path)" });
}

function readMeta(home: string): LogMeta {
  try {
    const m = JSON.parse(readFileSync(metaPath(home), "utf8")) as LogMeta;
    if (m.version === 1 && typeof m.createdAt === "string") return m;
  } catch {
    // named below
  }
  throw new CairnError("STORE_INVALID", `${metaPath(home)} is missing or damaged`, { hint: "restore it from a backup (it names the log's origin, part of its identity)" });
}

function writeMeta(home: string, m: LogMeta): void {
  writeFileAtomic(metaPath(home), `${JSON.stringify(m, null, 2)}\n`, 0o644);
}
