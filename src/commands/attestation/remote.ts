import { Option, type Command } from "commander";
import { cliReporter } from "../../cli/io.ts";
import type { Config } from "../../config.ts";
import { clockFromEnv, systemClock } from "../../context.ts";
import { CairnError } from "../../errors.ts";
import { RemoteClient } from "../../remote/http-client.ts";
import type { Reporter, ServiceDeps } from "../../services/deps.ts";
import type { CraftingDeps } from "../../services/crafting/crafting-deps.ts";
import type { CraftingControlPlane } from "../../services/crafting/remote.ts";
import { StateFile } from "../../services/state-file.ts";
import { VERSION } from "../../version.ts";
import { configFor, withApp } from "../shared.ts";

/** How a crafting command runs: on the local store, or against a control plane (with a local or remote state). */
export type Crafting = { mode: "local"; deps: ServiceDeps } | { mode: "remote"; deps: CraftingDeps; controlPlane: CraftingControlPlane };

export function attestationIdOption(): Option {
  return new Option("--attestation-id <id>", "work on the remote crafting state of this attestation (`init --remote-state` printed it; env CAIRN_ATTESTATION_ID)");
}

/** `--attestation-id ID` (env CAIRN_ATTESTATION_ID): the remote crafting state to work on. */
export function attestationIdOf(cmd: Command, config: Config): string | undefined {
  const flag = (cmd.opts() as { attestationId?: string }).attestationId;
  return flag ?? (config.env.CAIRN_ATTESTATION_ID || undefined);
}

export interface CraftingOptions {
  /** `init` starts a state instead of naming one: --attestation-id/CAIRN_ATTESTATION_ID do not apply to it. */
  init?: { remoteState: boolean };
}

/**
 * Runs a crafting command. Locally: the store of --home, as every command. With --control-plane: no local store
 * is opened (nothing is written under --home but a local state file); materials go to the server's CAS, the run
 * lives on the server, and the state is the local file or, with --attestation-id, the server's.
 */
export async function withCrafting<T>(cmd: Command, fn: (c: Crafting) => Promise<T>, opts: CraftingOptions = {}): Promise<T> {
  const config = configFor(cmd);
  const attestationId = opts.init ? undefined : attestationIdOf(cmd, config);
  if (opts.init?.remoteState && !config.remote) {
    throw new CairnError("USAGE", "--remote-state keeps the state on a control plane, and none is set", {
      hint: "add --control-plane URL --token T (CAIRN_CONTROL_PLANE, CAIRN_TOKEN), or drop --remote-state",
    });
  }
  if (!config.remote) {
    if (attestationId !== undefined) {
      throw new CairnError("USAGE", "--attestation-id (CAIRN_ATTESTATION_ID) names a remote crafting state, but no control plane is set", {
        hint: "add --control-plane URL --token T (CAIRN_CONTROL_PLANE, CAIRN_TOKEN), or drop --attestation-id to use the local state",
      });
    }
    return withApp(cmd, (app) => fn({ mode: "local", deps: app }));
  }
  const client = new RemoteClient(config.remote);
  const reporter = once(cliReporter(config.interactive));
  const { HttpBlobStore } = await import("../../remote/http-blob-store.ts");
  const { HttpStateStore } = await import("../../remote/http-state.ts");
  const { httpCrafting } = await import("../../remote/http-crafting.ts");
  const deps: CraftingDeps = {
    config,
    clock: clockFromEnv(config) ?? systemClock,
    blobs: new HttpBlobStore(client),
    state: attestationId !== undefined ? new HttpStateStore(client, attestationId) : new StateFile(config.statePath),
    reporter,
    version: VERSION,
  };
  return fn({ mode: "remote", deps, controlPlane: httpCrafting(client, reporter) });
}

/**
 * Each warning once: a remote init asks the server twice (preview, then init) and an `add` that lost an optimistic
 * race evaluates its material again, which would otherwise repeat the same warnings.
 */
function once(r: Reporter): Reporter {
  const seen = new Set<string>();
  return { ...r, warn: (m) => void (seen.has(m) || (seen.add(m), r.warn(m))) };
}
