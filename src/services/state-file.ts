import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CairnError } from "../errors.ts";
import { STATE_VERSION, type CraftingState } from "../crafter/state/types.ts";
import type { PushReceipt } from "../store/state-port.ts";
import { formatWriter, liveness, parseWriter, selfWriter, writerOf } from "../store/cas/writer.ts";
import { writeFileAtomic } from "./atomic-file.ts";

const LOCK_WAIT_MS = 15_000;
/** Another host's lock older than this belongs to a process that died (its PID cannot be checked from here). */
const LOCK_STALE_MS = 60_000;
/** A lock file without an owner was cut off between its creation and its write. */
const TORN_LOCK_MS = 2_000;

/** The local crafting state: one JSON file, written atomically, updated under an exclusive lock file. */
export class StateFile {
  constructor(readonly path: string) {}

  exists(): boolean {
    return existsSync(this.path);
  }

  read(): CraftingState {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      throw new CairnError("STATE_MISSING", `no attestation in progress (no state at ${this.path})`, {
        hint: "run `cairn attestation init --workflow W --project P` first",
      });
    }
    let state: CraftingState;
    try {
      state = JSON.parse(text) as CraftingState;
    } catch {
      throw new CairnError("STATE_INVALID", `crafting state ${this.path} is not valid JSON`, {
        hint: "start over with `cairn attestation init --replace`",
      });
    }
    if (state.version !== STATE_VERSION) {
      throw new CairnError("STATE_INVALID", `crafting state ${this.path} has version ${String(state.version)}, expected ${STATE_VERSION}`, {
        hint: "it was written by another cairn version; start over with `cairn attestation init --replace`",
      });
    }
    return state;
  }

  write(state: CraftingState): void {
    removeDeadWrites(this.path);
    this.save(state);
  }

  /** The write itself; update() swept the dead writers' temp files when it took the lock. */
  private save(state: CraftingState): void {
    writeFileAtomic(this.path, JSON.stringify(state, null, 2) + "\n", 0o600);
    rmSync(this.receiptPath, { force: true });
  }

  /** The receipt is written before the state goes: killed in between, the state is still there to push again. */
  retire(receipt: PushReceipt): void {
    removeDeadWrites(this.path);
    writeFileAtomic(this.receiptPath, JSON.stringify(receipt, null, 2) + "\n", 0o600);
    rmSync(this.path, { force: true });
  }

  pushed(): PushReceipt | undefined {
    try {
      const r = JSON.parse(readFileSync(this.receiptPath, "utf8")) as Partial<PushReceipt>;
      return typeof r.runId === "string" && typeof r.digest === "string" && typeof r.pushedAt === "string" ? (r as PushReceipt) : undefined;
    } catch {
      return undefined; // none, or torn by a crash (written atomically, so only by a foreign hand)
    }
  }

  private get receiptPath(): string {
    return `${this.path}.pushed`;
  }

  remove(): void {
    rmSync(this.path, { force: true });
    rmSync(this.receiptPath, { force: true });
  }

  /** Read-modify-write under an exclusive lock, so concurrent `add`s in one job lose nothing. */
  async update<T>(fn: (s: CraftingState) => Promise<{ state: CraftingState; result: T }>): Promise<T> {
    const release = await this.lock();
    try {
      const { state, result } = await fn(this.read());
      this.save(state);
      return result;
    } finally {
      release();
    }
  }

  /**
   * An exclusive lock file holding its owner (pid, host, boot). A lock whose owner is provably dead (a killed
   * `add`) is broken at once, so the next command after a crash just works; another host's lock (a shared home)
   * cannot be checked and counts as stale after LOCK_STALE_MS.
   */
  async lock(): Promise<() => void> {
    const lockPath = `${this.path}.lock`;
    const mine = formatWriter(selfWriter());
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const fd = openSync(lockPath, "wx", 0o600);
        try {
          writeSync(fd, mine);
        } finally {
          closeSync(fd);
        }
        removeDeadWrites(this.path);
        return () => {
          if (readLock(lockPath) === mine) rmSync(lockPath, { force: true });
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const held = readLock(lockPath);
        if (held !== undefined && isStale(lockPath, held)) breakLock(lockPath, held);
        else if (Date.now() > deadline) {
          throw new CairnError("STATE_INVALID", `crafting state ${this.path} is locked by another cairn process (${describeOwner(held)})`, {
            hint: `wait for it to finish; if no cairn is running on that host, remove ${lockPath}`,
          });
        } else await Bun.sleep(20);
      }
    }
  }
}

/**
 * writeFileAtomic's temp files (`.<name>.<writer>.tmp`, writer.ts) of the state and its receipt whose writer is
 * provably dead: never a live one's, nor another host's (a shared home), which cannot be told.
 */
function removeDeadWrites(path: string): void {
  const base = basename(path);
  try {
    for (const name of readdirSync(dirname(path))) {
      if (!name.endsWith(".tmp")) continue;
      const w = writerOf(name, `.${base}.pushed.`) ?? writerOf(name, `.${base}.`);
      if (w && liveness(w) === "dead") rmSync(join(dirname(path), name), { force: true });
    }
  } catch {
    // best effort: a leftover is only untidy, and the next writer tries again
  }
}

function readLock(lockPath: string): string | undefined {
  try {
    return readFileSync(lockPath, "utf8");
  } catch {
    return undefined; // released meanwhile
  }
}

/** Dead owner: stale now. Unreadable owner (killed between create and write) or another host's: stale by age. */
export function isStale(lockPath: string, held: string): boolean {
  const owner = parseWriter(held);
  const state = owner ? liveness(owner) : "unknown";
  if (state !== "unknown") return state === "dead";
  try {
    const age = Date.now() - statSync(lockPath).mtimeMs;
    return age > (owner ? LOCK_STALE_MS : TORN_LOCK_MS);
  } catch {
    return false;
  }
}

/**
 * Removes the lock only if it still holds the dead owner's content: two processes breaking the same lock must not
 * remove the fresh lock the faster one took meanwhile, so breaking is itself serialized by a short-lived lock.
 */
function breakLock(lockPath: string, held: string): void {
  const breaker = `${lockPath}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, "wx", 0o600);
  } catch {
    const other = readLock(breaker);
    if (other !== undefined && isStale(breaker, other)) rmSync(breaker, { force: true });
    return;
  }
  try {
    writeSync(fd, formatWriter(selfWriter()));
    closeSync(fd);
    if (readLock(lockPath) === held) rmSync(lockPath, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

function describeOwner(held: string | undefined): string {
  const owner = held === undefined ? undefined : parseWriter(held);
  return owner ? `pid ${owner.pid}${liveness(owner) === "unknown" ? " on another host" : ""}` : "owner unknown";
}
