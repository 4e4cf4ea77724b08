import { createHash } from "node:crypto";
import { CairnError } from "../errors.ts";
import { verifyRunBundle, type RunAttestation, type RunDetail, type RunRef } from "../services/control/runs.ts";
import type { TrustPolicy } from "../trust/policy.ts";
import type { RunsPort } from "./control-plane.ts";
import { seg, type HttpDeps } from "./http-util.ts";
import { storedEnvelope } from "../services/stored-bundle.ts";

/** Runs and discover over /api/v1/runs and /api/v1/discover. Signatures are verified here, on the fetched bundle. */
export function httpRuns({ client, reporter }: HttpDeps): RunsPort {
  const warn = (m: string) => reporter.warn(m);

  /** The run's detail: by id, or by its attestation's digest (the route is picked by which one is given). */
  const detail = (ref: RunRef): Promise<RunDetail> => {
    if ((ref.id === undefined) === (ref.digest === undefined)) {
      throw new CairnError("USAGE", "pass exactly one of --id and --digest", { hint: "e.g. `cairn workflow run describe --id <run id>`" });
    }
    const path = ref.id !== undefined ? `/api/v1/runs/${seg(ref.id)}` : `/api/v1/runs/by-digest/${seg(ref.digest!)}`;
    return client.json<RunDetail>("GET", path, {}, warn);
  };

  /** The stored bundle, checked against the digest the run records: the server is trusted no more than a disk. */
  const bundleOf = async (runId: string, digest: string | null): Promise<Uint8Array> => {
    const res = await client.send("GET", `/api/v1/runs/${seg(runId)}/attestation`);
    const bundle = new Uint8Array(await res.arrayBuffer());
    const actual = `sha256:${createHash("sha256").update(bundle).digest("hex")}`;
    if (actual !== digest) {
      throw new CairnError("INTEGRITY", `the attestation of workflow run ${runId} does not match its digest ${digest}: the bytes received hash to ${actual}`, {
        hint: "retry; if it persists the server's store is damaged (its operator should run `cairn store fsck`)",
      });
    }
    return bundle;
  };

  const attestation = async (ref: RunRef, trust?: TrustPolicy): Promise<RunAttestation> => {
    const { run } = await detail(ref);
    const bundle = await bundleOf(run.id, run.attestationDigest); // a run without one: the server's NOT_FOUND
    const { payloadType, payload } = storedEnvelope(bundle, run.attestationDigest!);
    const verification = trust ? await verifyRunBundle(bundle, trust) : undefined;
    if (trust) (await import("../services/control/run-binding.ts")).assertRunStatement(run, run.attestationDigest!, payloadType, payload);
    return { run, digest: run.attestationDigest!, bundle, payloadType, payload, verification };
  };

  return {
    list: (i) => client.json("GET", "/api/v1/runs", { query: { workflow: i.workflow, project: i.project, status: i.status, policyStatus: i.policyStatus, limit: i.limit, next: i.next } }, warn),
    describe: async (ref, trust) => {
      const d = await detail(ref);
      if (!trust) return d;
      const bundle = await bundleOf(d.run.id, d.run.attestationDigest);
      const verification = await verifyRunBundle(bundle, trust);
      // The run the server describes must be the one the signed statement names (run-binding.ts), as locally.
      const { payloadType, payload } = storedEnvelope(bundle, d.run.attestationDigest!);
      (await import("../services/control/run-binding.ts")).assertRunStatement(d.run, d.run.attestationDigest!, payloadType, payload);
      return { ...d, verification };
    },
    attestation,
    discover: (i) => client.json("GET", `/api/v1/discover/${seg(i.digest)}`, { query: { kind: i.kind, limit: i.limit, next: i.next } }, warn),
  };
}
