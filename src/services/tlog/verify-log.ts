// Checking a log from outside: the checkpoint's signature with the log's key (from a trusted root, never from the
// log itself), and Merkle computations over tiles read from a LogSource, fetching each tile the first time an
// algorithm asks for it.
import { createPublicKey, type KeyObject } from "node:crypto";
import { CairnError } from "../../errors.ts";
import { parseCheckpoint } from "../../tlog/checkpoint.ts";
import { noteVerifier } from "../../tlog/note.ts";
import { tileWidthAt, type TileReader } from "../../tlog/tiles.ts";
import type { NamedRoot } from "../../trust/trusted-root.ts";
import type { LogSource } from "./source.ts";

export interface LogKey {
  origin: string;
  publicKey: KeyObject;
  /** Base64 SPKI, as a monitor's state keeps it. */
  spki: string;
  /** The trusted root it came from (or "state"). */
  from: string;
}

export interface VerifiedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  note: string;
}

interface RootTlog {
  baseUrl?: string;
  publicKey?: { rawBytes?: string; keyDetails?: string };
}

/** The Ed25519 key of the log named `origin` in these roots (its baseUrl's hostname is the origin). */
export function logKeyFromRoots(origin: string, roots: NamedRoot[]): LogKey {
  for (const r of roots) {
    for (const t of ((r.json as { tlogs?: RootTlog[] }).tlogs ?? [])) {
      let host: string | undefined;
      try {
        host = t.baseUrl ? new URL(t.baseUrl).hostname : undefined;
      } catch {
        host = undefined;
      }
      if (host !== origin || t.publicKey?.keyDetails !== "PKIX_ED25519" || !t.publicKey.rawBytes) continue;
      return logKeyFromSpki(origin, t.publicKey.rawBytes, r.name);
    }
  }
  throw new CairnError("VERIFY_FAILED", `no trusted root lists a transparency log with origin ${origin}`, {
    hint: "pass the server's root with --trusted-root (`cairn trust-root export --control-plane URL -o root.json`)",
  });
}

export function logKeyFromSpki(origin: string, spkiBase64: string, from: string): LogKey {
  const publicKey = createPublicKey({ key: Buffer.from(spkiBase64, "base64"), format: "der", type: "spki" });
  return { origin, publicKey, spki: spkiBase64, from };
}

/** The origin a signed checkpoint claims (before anything is verified: it picks the key to check it with). */
export function claimedOrigin(note: string): string {
  return note.slice(0, note.indexOf("\n"));
}

export function verifyCheckpoint(note: string, key: LogKey, what: string): VerifiedCheckpoint {
  let text: string;
  try {
    text = noteVerifier(key.origin, key.publicKey).verify(note);
  } catch (e) {
    throw new CairnError("VERIFY_FAILED", `${what} is not signed by the log key of ${key.origin} (from ${key.from}): ${(e as Error).message}`, {
      hint: "a checkpoint signed by another key is another log, or a forgery",
    });
  }
  let cp: ReturnType<typeof parseCheckpoint>;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    throw new CairnError("VERIFY_FAILED", `${what} is not a checkpoint: ${(e as Error).message}`);
  }
  if (cp.origin !== key.origin) throw new CairnError("VERIFY_FAILED", `${what} names origin ${cp.origin}, not ${key.origin}`);
  return { origin: cp.origin, size: cp.size, root: cp.root, note };
}

class MissingTile extends Error {
  constructor(
    readonly level: number,
    readonly index: number,
  ) {
    super(`tile ${level}/${index} not fetched yet`);
  }
}

/** Runs a synchronous Merkle computation for a tree of `size`, fetching each tile it asks for (at that size's width). */
export async function withTiles<T>(source: LogSource, size: number, fn: (read: TileReader) => T, cache = new Map<string, Uint8Array>()): Promise<T> {
  const key = (l: number, i: number) => `${size}:${l}/${i}`;
  const read: TileReader = (l, i) => {
    const hit = cache.get(key(l, i));
    if (hit) return hit;
    throw new MissingTile(l, i);
  };
  for (;;) {
    try {
      return fn(read);
    } catch (e) {
      if (!(e instanceof MissingTile)) throw e;
      const width = tileWidthAt(e.level, e.index, size);
      const data = width > 0 ? await source.tile(e.level, e.index, width) : undefined;
      if (!data || data.length !== width * 32) {
        throw new CairnError("VERIFY_FAILED", `${source.name} has no tile ${e.level}/${e.index} of width ${width}, which a tree of ${size} entries has`);
      }
      cache.set(key(e.level, e.index), data);
    }
  }
}
