import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { CairnError } from "../errors.ts";
import { STATE_VERSION, type CraftingState } from "../crafter/state/types.ts";
import { writeFileAtomic } from "./atomic-file.ts";

const LOCK_WAIT_MS = 15_000;
/** A lock older than this belongs to a process that died; it is broken. */
const LOCK_STALE_MS = 60_000;

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
    writeFileAtomic(this.path, JSON.stringify(state, null, 2) + "\n", 0o600);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }

  /** Read-modify-write under an exclusive lock, so concurrent `add`s in one job lose nothing. */
  async update<T>(fn: (s: CraftingState) => Promise<{ state: CraftingState; result: T }>): Promise<T> {
    const release = await this.lock();
    try {
      const { state, result } = await fn(this.read());
      this.write(state);
      return result;
    } finally {
      release();
    }
  }

  async lock(): Promise<() => void> {
    const lockPath = `${this.path}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const fd = openSync(lockPath, "wx");
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return () => rmSync(lockPath, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        if (isStale(lockPath)) rmSync(lockPath, { force: true });
        else if (Date.now() > deadline) {
          throw new CairnError("STATE_INVALID", `crafting state ${this.path} is locked by another cairn process`, {
            hint: `if no other cairn is running, remove ${lockPath}`,
          });
        } else await Bun.sleep(20);
      }
    }
  }
}

function isStale(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false;
  }
}
