// Appending to the transparency log: requests that arrive together share one transaction — entries, the tiles they
// change, and one checkpoint signature — and each caller gets its inclusion proof against that checkpoint. The
// answer leaves only after the transaction committed, so an acknowledged entry is durable, and no checkpoint is
// ever published for a tree that is not stored.
import { createHash } from "node:crypto";
import { CairnError } from "../../errors.ts";
import type { TileWrite, TlogRepo } from "../../store/tlog-port.ts";
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

export class LogAppender {
  private pending: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: TlogRepo,
    readonly identity: LogIdentity,
    private readonly clock: Clock,
  ) {}

  /** Checks the stored tree against its newest checkpoint, and publishes the empty checkpoint of a new log. */
  async open(): Promise<void> {
    const latest = await this.repo.latestCheckpoint();
    const size = await this.repo.size();
    if (!latest) {
      if (size !== 0) throw damaged(`it holds ${size} entries but no checkpoint`);
      await this.commit(0, [], [], treeRoot(0, () => undefined));
      return;
    }
    const cp = parseCheckpoint(latest.note.slice(0, latest.note.indexOf("\n\n") + 1));
    if (cp.origin !== this.identity.origin) throw damaged(`its checkpoints name origin ${cp.origin}, not ${this.identity.origin}`);
    if (latest.size !== size) throw damaged(`its newest checkpoint is for ${latest.size} entries, but it holds ${size}`);
    let root: Uint8Array;
    try {
      root = await new TileFetch((l, i) => this.repo.tile(l, i)).run((read) => treeRoot(size, read));
    } catch (e) {
      throw damaged((e as Error).message);
    }
    if (!Buffer.from(root).equals(Buffer.from(latest.root))) throw damaged(`its tiles do not hash to the root of its newest checkpoint (size ${size})`);
  }

  async append(body: Uint8Array): Promise<LoggedEntry> {
    const bodyHash = sha256(body);
    const existing = await this.repo.indexOfBody(bodyHash);
    if (existing !== undefined) return Promise.resolve(this.proveIndex(existing, body));
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
    // Identical bodies inside one batch are one entry: slot[i] is batch[i]'s position among the unique ones.
    const first = new Map<string, number>();
    const unique: Pending[] = [];
    const slot = batch.map((p) => {
      const h = Buffer.from(p.bodyHash).toString("hex");
      if (!first.has(h)) first.set(h, unique.push(p) - 1);
      return first.get(h)!;
    });
    try {
      const size = await this.repo.size();
      const leaves = unique.map((p) => leafHash(p.body));
      // One read per tile for the whole batch: the appends and every waiter's proof touch the same few tiles.
      const tiles = new TileFetch((l, i) => this.repo.tile(l, i));
      const writes = await tiles.run((read) => appendLeaves(size, leaves, read));
      const overlay = new Map(writes.map((w) => [key(w.level, w.index), w.data]));
      const newSize = size + unique.length;
      const { root, proofs } = await tiles.run((read) => {
        // One cache for the new tree: the batch's proofs share their large left subtrees.
        const tree = new TileCache((l, i) => overlay.get(key(l, i)) ?? read(l, i));
        return { root: treeRoot(newSize, tree), proofs: batch.map((_, i) => inclusionProof(size + slot[i]!, newSize, tree)) };
      });
      const note = await this.commit(size, unique, writes, root);
      for (const [i, p] of batch.entries()) {
        p.resolve({ index: size + slot[i]!, body: p.body, treeSize: newSize, rootHash: root, proof: proofs[i]!, checkpoint: note });
      }
    } catch (e) {
      for (const p of batch) p.reject(e instanceof CairnError ? e : new CairnError("IO", `the transparency log could not be written: ${(e as Error).message}`));
    }
  }

  private async commit(size: number, entries: Pending[], writes: TileWrite[], root: Uint8Array): Promise<string> {
    const newSize = size + entries.length;
    const note = this.identity.signer.sign(formatCheckpoint({ origin: this.identity.origin, size: newSize, root }));
    const now = this.clock.now().toISOString();
    await this.repo.append(size, { bodies: entries.map((p) => p.body), bodyHashes: entries.map((p) => p.bodyHash), tiles: writes, checkpoint: { size: newSize, root, note, createdAt: now } }, now);
    return note;
  }
}

function damaged(why: string): CairnError {
  return new CairnError("STORE_INVALID", `the transparency log in this store is damaged: ${why}`, {
    hint: "run `cairn log monitor` to find the first bad entry; restore the store from a backup. The server signs no checkpoint over a damaged tree",
  });
}
