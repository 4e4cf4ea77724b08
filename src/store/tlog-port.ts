/**
 * Storage port for the transparency log of `cairn serve`: entries (the canonicalized bodies, append-only), the
 * tiles that are both the Merkle tree and its publication (C2SP tlog-tiles), and the signed checkpoints. One
 * append is one transaction — entries, tiles and the checkpoint over them — so a checkpoint is never visible for
 * a tree that is not durably stored, and a crash leaves the log at the last committed checkpoint.
 */
export interface TileWrite {
  level: number;
  index: number;
  /** The whole new tile content: concatenated 32-byte hashes (1..256); only ever an extension of the old one. */
  data: Uint8Array;
}

export interface StoredCheckpoint {
  size: number;
  root: Uint8Array;
  /** The signed note, exactly as published. */
  note: string;
  createdAt: string;
}

export interface NewLogEntries {
  /** Entries at indexes [size, size + bodies.length), in order. */
  bodies: Uint8Array[];
  /** SHA-256 of each body (the duplicate check). */
  bodyHashes: Uint8Array[];
  tiles: TileWrite[];
  checkpoint: StoredCheckpoint;
}

/** append() refused: the log is no longer at the size the batch was prepared for (another writer got there first). */
export class LogGrew extends Error {
  constructor(
    readonly size: number,
    readonly current: number,
  ) {
    super(`the transparency log grew to ${current} entries while a batch for size ${size} was prepared`);
  }
}

export interface TlogRepo {
  /** How many entries the log holds (the size of the newest checkpoint). */
  size(): Promise<number>;
  tile(level: number, index: number): Promise<Uint8Array | undefined>;
  /** The bodies of entries [from, to), in order. */
  bodies(from: number, to: number): Promise<Uint8Array[]>;
  /** The index of the entry with this body SHA-256, if logged. */
  indexOfBody(bodyHash: Uint8Array): Promise<number | undefined>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** The checkpoint published at exactly this size, if any. */
  checkpointAt(size: number): Promise<StoredCheckpoint | undefined>;
  /** One transaction; refuses with LogGrew if the log's size is not `size` (another writer got there first). */
  append(size: number, batch: NewLogEntries, now: string): Promise<void>;
}
