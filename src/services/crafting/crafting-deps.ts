import type { Config } from "../../config.ts";
import type { BlobStore } from "../../store/ports.ts";
import type { CraftingStateStore } from "../../store/state-port.ts";
import type { CraftingRefs } from "../../store/cas-lease-port.ts";
import type { Clock, Reporter } from "../deps.ts";

/**
 * What the crafting steps that run on the CI machine need: no control-plane store. Locally it is the ServiceDeps
 * (local CAS, state file); against `cairn serve` the CAS and possibly the state are HTTP adapters
 * (src/commands/attestation/remote.ts), so add/status/push run the very same code either way.
 */
export interface CraftingDeps {
  config: Config;
  clock: Clock;
  blobs: BlobStore;
  state: CraftingStateStore;
  reporter: Reporter;
  version: string;
  /** Locally: the store's record of what an open run uploaded, so gc keeps it whatever state file the job uses. */
  leases?: CraftingRefs;
}
