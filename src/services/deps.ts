import type { Config } from "../config.ts";
import type { BlobStore } from "../store/ports.ts";
import type { StorePorts } from "../store/store-ports.ts";
import type { StateFile } from "./state-file.ts";
import type { Actor } from "./control/roles.ts";
import type { TokenCache } from "./control/token-cache.ts";

export interface Clock {
  now(): Date;
}

/** Warnings and progress the services want shown; the CLI prints them, the server collects them. */
export interface Reporter {
  warn(message: string): void;
  progress?(label: string, done: number, total: number): void;
}

/** What every service gets from the composition root (src/context.ts). */
export interface ServiceDeps extends StorePorts {
  config: Config;
  clock: Clock;
  blobs: BlobStore;
  /** The local crafting state file. */
  state: StateFile;
  reporter: Reporter;
  version: string;
  /** Who a `cairn serve` request speaks for; absent for local commands (one person's machine: roles do not apply). */
  actor?: Actor;
  /** `cairn serve` on PostgreSQL: active tokens cached per replica, dropped on the store's revocation notices. */
  tokenCache?: TokenCache;
}
