import { fsckCommand } from "../../store/fsck-advice.ts";
import { CairnError } from "../../errors.ts";
import { parseDigest } from "../../store/cas/digest.ts";
import { artifactName } from "../../services/control/artifacts.ts";
import { describeRun } from "../../services/control/runs.ts";
import type { ServiceDeps } from "../../services/deps.ts";
import type { Scope } from "../../store/ports.ts";
import { verifiedStream } from "../http.ts";

/**
 * `GET /download/{digest}?run={id}`: a blob the run references (one of its materials, or its attestation bundle),
 * streamed from the CAS and re-hashed on the way as `artifact download` does. The status is sent before the end is
 * known, so a blob that turns out not to match its digest aborts the stream: the browser reports a failed download
 * instead of saving damaged bytes as complete. As the API's download, only what a CAS mapping grants the session's
 * scope is served (artifactName).
 */
export async function downloadResponse(deps: ServiceDeps, digest: string, runId: string | null, scope?: Scope): Promise<Response> {
  const hex = parseDigest(digest);
  if (!runId) {
    throw new CairnError("USAGE", "a download names its run: add ?run=<run id>", { hint: "use the download links of a run page" });
  }
  const detail = await describeRun(deps, { id: runId, scope });
  const a = detail.attestation;
  const isBundle = a?.digest === digest;
  if (!a || (!isBundle && !a.materials.some((m) => m.digest === digest))) {
    throw new CairnError("NOT_FOUND", `workflow run ${runId} does not reference ${digest}`, { hint: "download what the run page lists" });
  }
  const stored = await artifactName(deps, digest, hex, scope);
  const name = isBundle ? `attestation-${hex.slice(0, 12)}.sigstore.json` : stored;
  const blob = await deps.blobs.openRead(digest);
  return new Response(verifiedStream(digest, blob.chunks, fsckCommand(deps.blobs)), {
    headers: {
      "content-type": isBundle ? "application/json" : "application/octet-stream",
      "content-length": String(blob.size),
      "content-disposition": contentDisposition(name),
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}

/** An ASCII fallback name plus the exact UTF-8 one (RFC 6266); quotes and control characters cannot break out. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
