// Appending to the transparency log: requests that arrive together share one transaction — entries, the tiles they
// change, and one checkpoint signature — and each caller gets its inclusion proof against that checkpoint. The
// answer leaves only after the transaction committed, so an acknowledged entry is durable, and no checkpoint is
// ever published for a tree that is not stored.
import { createHash, createPublicKey } from "node:crypto";
import { CairnError } from "../../errors.ts";
import { LogGrew, type StoredCheckpoint, type TileWrite, type TlogRepo } from "../../store/tlog-port.ts";
import { toHex } from "../../tlog/encoding.ts";
import { noteVerifier, type NoteVerifier } from "../../tlog/note.ts";
import { parseNote } from "../../tlog/note-parse.ts";
import { formatCheckpoint, parseCheckpoint } from "../../tlog/checkpoint.ts";
import { leafHash } from "../../tlog/hash.ts";
import { inclusionProof, TileCache, treeRoot } from "../../tlog/merkle.ts";
import { appendLeaves } from "../../tlog/tiles.ts";
import { TileFetch } from "./tile-fetch.ts";
import type { Clock } from "../deps.ts";
import type { LogIdentity } from "./identity.ts";

export interface LoggedEntry {
  index: number;
  body: Uint8Array;
  treeSize: number;
  rootHash: Uint8Array;
  /** RFC 6962 inclusion proof of `index` in the tree of `treeSize`, leaf → root. */
  proof: Uint8Array[];
  /** The signed checkpoint for `treeSize`. */
  checkpoint: string;
}

interface Pending {
  body: Uint8Array;
  bodyHash: Uint8Array;
  resolve: (e: LoggedEntry) => void;
  reject: (e: unknown) => void;
}

/**
 * How long the first request of a batch waits for others: concurrent pushes then share one transaction and one
 * checkpoint signature instead of paying for them one by one.
 */
export const BATCH_WINDOW_MS = 2;
const sha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());
const key = (level: number, index: number) => `${level}/${index}`;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
/** Batches a busy log may refuse in a row (each refusal means another replica's batch committed). */
const APPEND_ATTEMPTS = 50;

export class LogAppender {
  private pending: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly verifier: NoteVerifier;

  constructor(
    private readonly repo: TlogRepo,
    readonly identity: LogIdentity,
    private readonly clock: Clock,
  ) {
    this.verifier = noteVerifier(identity.origin, createPublicKey({ key: Buffer.from(identity.publicKeySpki), format: "der", type: "spki" }));
  }

  /**
   * Checks the stored tree against its newest checkpoint, and that this log's key signed it; publishes the empty
   * checkpoint of a new log (once: a replica that starts beside another takes the one it published).
   */
  async open(): Promise<void> {
    let { latest, size } = await this.head();
    if (!latest) {
      if (size !== 0) throw damaged(`it holds ${size} entries but no checkpoint`);
      try {
        await this.commit(0, [], [], treeRoot(0, () => undefined));
        return;
      } catch (e) {
        ({ latest, size } = await this.head());
        if (!latest) throw e;
      }
    }
    const cp = parseCheckpoint(latest.note.slice(0, latest.note.indexOf("\n\n") + 1));
    if (cp.origin !== this.identity.origin) throw damaged(`its checkpoints name origin ${cp.origin}, not ${this.identity.origin}`);
    this.checkSigner(latest);
    if (latest.size !== size) throw damaged(`its newest checkpoint is for ${latest.size} entries, but it holds ${size}`);
    let root: Uint8Array;
    try {
      root = await new TileFetch((l, i) => this.repo.tile(l, i)).run((read) => treeRoot(size, read));
    } catch (e) {
      throw damaged((e as Error).message);
    }
    if (!Buffer.from(root).equals(Buffer.from(latest.root))) throw damaged(`its tiles do not hash to the root of its newest checkpoint (size ${size})`);
  }

  /** The newest checkpoint and the number of entries, read with no append committed between them (other replicas append meanwhile). */
  private async head(): Promise<{ latest: StoredCheckpoint | undefined; size: number }> {
    for (let attempt = 1; ; attempt++) {
      const latest = await this.repo.latestCheckpoint();
      const size = await this.repo.size();
      if ((await this.repo.latestCheckpoint())?.size === latest?.size || attempt >= APPEND_ATTEMPTS) return { latest, size };
    }
  }

  /** Refuses to extend a tree this log's key did not sign: a second key would fork the log's identity. */
  private checkSigner(latest: StoredCheckpoint): void {
    try {
      this.verifier.verify(latest.note);
    } catch {
      throw foreignKey(latest, this.identity);
    }
  }

  /** A body already logged (by this replica or another) is answered with its entry: appendBatch looks each one up. */
  async append(body: Uint8Array): Promise<LoggedEntry> {
    const bodyHash = sha256(body);
    return new Promise((resolve, reject) => {
      this.pending.push({ body, bodyHash, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // One batch at a time: each appends to the tree the one before it committed.
        setTimeout(() => (this.flushing = this.flushing.then(() => this.flush())), BATCH_WINDOW_MS);
      }
    });
  }

  /** A fresh inclusion proof of an entry against the newest checkpoint. */
  async proveIndex(index: number, body?: Uint8Array): Promise<LoggedEntry> {
    const latest = (await this.repo.latestCheckpoint())!;
    const proof = await new TileFetch((l, i) => this.repo.tile(l, i)).run((read) => inclusionProof(index, latest.size, read));
    return { index, body: body ?? (await this.repo.bodies(index, index + 1))[0]!, treeSize: latest.size, rootHash: latest.root, proof, checkpoint: latest.note };
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendBatch(batch);
      } catch (e) {
        // Another replica appended first: build the batch again on the tree it left.
        if (e instanceof LogGrew && attempt < APPEND_ATTEMPTS) {
          if (attempt > 1) await Bun.sleep(Math.random() * 5 * attempt);
          continue;
        }
        for (const p of batch) p.reject(e instanceof CairnError ? e : new CairnError("IO", `the transparency log could not be written: ${(e as Error).message}`));
        return;
      }
    }
  }

  /** One attempt: resolves every waiter of the batch, or throws (LogGrew: the log moved on; nothing was written). */
  private async appendBatch(batch: Pending[]): Promise<void> {
    const latest = await this.repo.latestCheckpoint();
    if (!latest) throw damaged("it has no checkpoint");
    this.checkSigner(latest);
    const size = latest.size;
    // Identical bodies inside one batch are one entry; a body another replica logged meanwhile is not appended again.
    const logged = new Map<string, number | undefined>();
    for (const p of batch) {
      const h = hex(p.bodyHash);
      if (!logged.has(h)) logged.set(h, await this.repo.indexOfBody(p.bodyHash));
    }
    const slots = new Map<string, number>();
    const fresh: Pending[] = [];
    for (const p of batch) {
      const h = hex(p.bodyHash);
      if (logged.get(h) === undefined && !slots.has(h)) slots.set(h, fresh.push(p) - 1);
    }
    let note = latest.note;
    let proofs = new Map<string, Uint8Array[]>();
    let root = latest.root;
    const newSize = size + fresh.length;
    if (fresh.length > 0) {
      const leaves = fresh.map((p) => leafHash(p.body));
      // One read per tile for the whole batch: the appends and every waiter's proof touch the same few tiles.
      const tiles = new TileFetch((l, i) => this.repo.tile(l, i));
      const writes = await tiles.run((read) => appendLeaves(size, leaves, read));
      const overlay = new Map(writes.map((w) => [key(w.level, w.index), w.data]));
      ({ root, proofs } = await tiles.run((read) => {
        // One cache for the new tree: the batch's proofs share their large left subtrees.
        const tree = new TileCache((l, i) => overlay.get(key(l, i)) ?? read(l, i));
        return { root: treeRoot(newSize, tree), proofs: new Map([...slots].map(([h, slot]) => [h, inclusionProof(size + slot, newSize, tree)])) };
      }));
      note = await this.commit(size, fresh, writes, root);
    }
    const known: Pending[] = [];
    for (const p of batch) {
      const slot = slots.get(hex(p.bodyHash));
      if (slot === undefined) known.push(p);
      else p.resolve({ index: size + slot, body: p.body, treeSize: newSize, rootHash: root, proof: proofs.get(hex(p.bodyHash))!, checkpoint: note });
    }
    for (const p of known) p.resolve(await this.proveIndex(logged.get(hex(p.bodyHash))!, p.body));
  }

  private async commit(size: number, entries: Pending[], writes: TileWrite[], root: Uint8Array): Promise<string> {
    const newSize = size + entries.length;
    const note = this.identity.signer.sign(formatCheckpoint({ origin: this.identity.origin, size: newSize, root }));
    const now = this.clock.now().toISOString();
    await this.repo.append(size, { bodies: entries.map((p) => p.body), bodyHashes: entries.map((p) => p.bodyHash), tiles: writes, checkpoint: { size: newSize, root, note, createdAt: now } }, now);
    return note;
  }
}

function foreignKey(latest: StoredCheckpoint, id: LogIdentity): CairnError {
  let signers = "no signature it can read";
  try {
    signers = parseNote(latest.note).sigs.map((g) => `${g.name} key ID ${toHex(g.keyId)}`).join(", ");
  } catch {
    // named as unreadable
  }
  return new CairnError("KEY_INVALID", `the transparency log in this store is signed by another key: its checkpoint at size ${latest.size} carries ${signers}, this server's log key is ${id.origin} key ID ${toHex(id.signer.keyId)}`, {
    hint: "replicas on one database share one log key: copy <home>/log (log.key, log.pub, log.json) from a replica that serves this log and restart; on a single home, restore the log key the log was started with",
  });
}

function damaged(why: string): CairnError {
  return new CairnError("STORE_INVALID", `the transparency log in this store is damaged: ${why}`, {
    hint: "run `cairn log monitor` to find the first bad entry; restore the store from a backup. The server signs no checkpoint over a damaged tree",
  });
}
