import { CairnError } from "../errors.ts";
import { sha256 } from "../crafter/sha256.ts";
import type { Contract } from "../crafter/contract/types.ts";
import type { CraftingState } from "../crafter/state/types.ts";
import { writeFileAtomic } from "../services/atomic-file.ts";
import type { Reporter } from "../services/deps.ts";
import type { CraftingControlPlane } from "../services/crafting/remote.ts";
import type { ResetInput, ResetResult } from "../services/crafting/reset.ts";
import type { RemoteInitRequest } from "../services/crafting/served-init.ts";
import type { ReferrerPush } from "../services/crafting/push-referrers.ts";
import type { RemoteClient } from "./http-client.ts";
import { storedStatement } from "../services/stored-bundle.ts";
import { isAttested } from "../services/control/runs.ts";

/** The control-plane half of crafting over HTTP (routes in src/server/handlers/crafting.ts and attestations.ts). */
export function httpCrafting(client: RemoteClient, reporter: Reporter): CraftingControlPlane {
  const warn = (m: string) => reporter.warn(m);
  return {
    async preview(req: RemoteInitRequest): Promise<Contract | undefined> {
      const r = await client.json<{ contract: Contract | null }>("POST", "/api/v1/attestations/preview", { body: req }, warn);
      return r.contract ?? undefined;
    },
    start(req, opts) {
      return client.json<{ state: CraftingState }>("POST", "/api/v1/attestations/init", { body: { ...req, ...opts } }, warn);
    },
    reset(runId: string, input: ResetInput): Promise<ResetResult> {
      return client.json<ResetResult>("DELETE", `/api/v1/attestations/${encodeURIComponent(runId)}`, { query: { trigger: input.trigger, reason: input.reason } }, warn);
    },
    push: {
      /** A push cut off after the server stored it: report the stored attestation instead of signing a second one. */
      async before(state, bundlePath) {
        const runId = state.workflow.runId!;
        const d = await client.json<{ run: { state: string; attestationDigest: string | null } }>("GET", `/api/v1/runs/${encodeURIComponent(runId)}`);
        if (!isAttested(d.run.state) || !d.run.attestationDigest) return undefined; // a closed run is refused by the push itself
        const bundle = new Uint8Array(await (await client.send("GET", `/api/v1/runs/${encodeURIComponent(runId)}/attestation`)).arrayBuffer());
        const statement = storedStatement(bundle, d.run.attestationDigest);
        if (bundlePath) writeFileAtomic(bundlePath, bundle, 0o600);
        return { digest: d.run.attestationDigest, dryRun: false, runId, statement, bundlePath, storedAt: `${client.config.url}/api/v1/runs/${runId}/attestation` };
      },
      // The server verifies the bundle against the organization's registered keys, stores it, and drops a remote state.
      async record({ bundle, state }) {
        const r = await client.json<{ referrers?: ReferrerPush[]; bundle?: string; runUrl?: unknown }>("POST", "/api/v1/attestations", { raw: bundle, headers: { "Content-Type": "application/json" } }, warn);
        return {
          storedAt: `${client.config.url}/api/v1/runs/${state.workflow.runId}/attestation`,
          // The server's web view names the run's page (its public URL); only an http(s) URL is repeated to the user.
          ...(typeof r.runUrl === "string" && /^https?:\/\//.test(r.runUrl) && { runUrl: r.runUrl }),
          ...(r.referrers && { referrers: r.referrers }),
          // The server logged the signature and stored the bundle with its entry: that bundle is the attestation now.
          ...(r.bundle && { bundle: new Uint8Array(Buffer.from(r.bundle, "base64")) }),
        };
      },
      controlPlane: client.config.url,
      provenance: {
        // Stored beside the run's attestation; fetched as a blob (mapped to the run's workflow).
        async stored(runId) {
          const d = await client.json<{ provenance?: { digest: string } }>("GET", `/api/v1/runs/${encodeURIComponent(runId)}`);
          if (!d.provenance) return undefined;
          const bundle = new Uint8Array(await (await client.send("GET", `/api/v1/blobs/${d.provenance.digest}`)).arrayBuffer());
          const got = sha256(bundle);
          if (got !== d.provenance.digest) throw new CairnError("VERIFY_FAILED", `the control plane answered provenance ${d.provenance.digest} with bytes of digest ${got}`);
          return { digest: d.provenance.digest, bundle, storedAt: `${client.config.url}/api/v1/blobs/${d.provenance.digest}` };
        },
        // The same verified push route: the server recognises the provenance predicate and the attestation it names.
        async record({ bundle }) {
          const r = await client.json<{ digest: string; referrers?: ReferrerPush[]; bundle?: string }>("POST", "/api/v1/attestations", { raw: bundle, headers: { "Content-Type": "application/json" } }, warn);
          return {
            storedAt: `${client.config.url}/api/v1/blobs/${r.digest}`,
            ...(r.referrers && { referrers: r.referrers }),
            ...(r.bundle && { bundle: new Uint8Array(Buffer.from(r.bundle, "base64")) }),
          };
        },
      },
    },
  };
}
