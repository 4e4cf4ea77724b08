import { CairnError } from "../errors.ts";
import type { CraftingState } from "../crafter/state/types.ts";
import type { VersionedState, VersionedStateStore } from "../store/state-port.ts";
import { decodeState, optimisticUpdate, type RetryPolicy } from "../store/versioned-state.ts";
import type { RemoteClient } from "./http-client.ts";

/**
 * A remote crafting state (`--attestation-id ID`) over HTTP: GET returns it with its version as the ETag, PUT
 * writes it with `If-Match: version` and gets 412 (STATE_CONFLICT) when another job wrote first; `update` then
 * re-reads and re-runs the change (bounded retries with jitter), so concurrent `add`s all land.
 */
export class HttpStateStore implements VersionedStateStore {
  readonly path: string;
  private readonly route: string;

  constructor(
    private readonly client: RemoteClient,
    readonly attestationId: string,
    private readonly retry?: RetryPolicy,
  ) {
    this.route = `/api/v1/attestations/${encodeURIComponent(attestationId)}/state`;
    this.path = `attestation ${attestationId} on ${client.config.url}`;
  }

  async readVersioned(): Promise<VersionedState> {
    const res = await this.client.send("GET", this.route);
    const version = parseEtag(res.headers.get("etag"));
    return { state: decodeState(await res.text(), this.path), version };
  }

  async read(): Promise<CraftingState> {
    return (await this.readVersioned()).state;
  }

  async exists(): Promise<boolean> {
    try {
      await this.readVersioned();
      return true;
    } catch (e) {
      if (e instanceof CairnError && e.code === "STATE_MISSING") return false;
      throw e;
    }
  }

  async writeIf(state: CraftingState, version: number): Promise<number | undefined> {
    try {
      const res = await this.client.send("PUT", this.route, { raw: JSON.stringify(state), headers: { "Content-Type": "application/json", "If-Match": `"${version}"` } });
      return parseEtag(res.headers.get("etag"));
    } catch (e) {
      if (e instanceof CairnError && e.code === "STATE_CONFLICT") return undefined;
      throw e;
    }
  }

  /** An overwrite, still through If-Match: it swaps from whatever version it reads (retried when beaten). */
  async write(state: CraftingState): Promise<void> {
    await optimisticUpdate(this, async () => ({ state, result: undefined }), this.retry);
  }

  async remove(): Promise<void> {
    await this.client.send("DELETE", this.route);
  }

  update<T>(fn: (s: CraftingState) => Promise<{ state: CraftingState; result: T }>): Promise<T> {
    return optimisticUpdate(this, fn, this.retry);
  }
}

function parseEtag(etag: string | null): number {
  const m = etag === null ? null : /^(?:W\/)?"(\d+)"$/.exec(etag);
  if (!m) throw new CairnError("IO", `the control plane sent a crafting state without a version (ETag ${JSON.stringify(etag)})`, { hint: "check that --control-plane points at a `cairn serve` of this version" });
  return Number(m[1]);
}
