import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { CairnError } from "../errors.ts";
import type { DownloadResult, UploadResult } from "../services/control/artifacts.ts";
import type { ArtifactsPort } from "./control-plane.ts";
import { copyVerified, writeVerifiedFile } from "../services/verified-download.ts";
import { seg, type HttpDeps } from "./http-util.ts";

/** Files above this size get a progress bar on a terminal (as locally). */
const PROGRESS_THRESHOLD = 1024 * 1024;

/** The CAS over /api/v1/blobs, streamed both ways; downloads are re-hashed here whatever the server checked. */
export function httpArtifacts({ client, reporter, cwd }: HttpDeps): ArtifactsPort {
  const progress = (label: string, total: number) => {
    const bar = reporter.progress;
    return total > PROGRESS_THRESHOLD && bar ? (n: number) => bar(label, n, total) : undefined;
  };
  return {
    upload: async ({ path: given }) => {
      const path = resolve(cwd, given);
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new CairnError("NOT_FOUND", `file ${given} does not exist`);
      if (!info.isFile()) throw new CairnError("USAGE", `${given} is not a regular file`, { hint: "upload one file at a time (archive a directory first)" });
      const name = basename(path);
      // A file body streams from disk with its Content-Length, so an upload over the server's limit is refused at once.
      const r = await client.json<UploadResult>("POST", "/api/v1/blobs", { raw: Bun.file(path), query: { name }, headers: { "Content-Type": "application/octet-stream" } });
      return { digest: r.digest, size: r.size, name: r.name ?? name };
    },
    download: async (input): Promise<DownloadResult> => {
      const res = await client.send("GET", `/api/v1/blobs/${seg(input.digest)}`);
      const name = dispositionName(res.headers.get("content-disposition")) ?? input.digest.slice("sha256:".length);
      const total = Number(res.headers.get("content-length") ?? "0");
      const onProgress = progress(`download ${name}`, total);
      const chunks = bodyChunks(res, input.digest);
      if (input.sink) return { digest: input.digest, size: await copyVerified(input.digest, chunks, input.sink, onProgress), name };
      const written = await writeVerifiedFile(cwd, input.output, name, input.digest, chunks, onProgress);
      return { digest: input.digest, size: written.size, name, path: written.path };
    },
  };
}

/** The server's `attachment; filename="…"` (it already reduced the name to a base name of printable ASCII). */
function dispositionName(header: string | null): string | undefined {
  const m = header && /filename="([^"]*)"/.exec(header);
  const name = m ? basename(m[1]!) : "";
  return name === "" || name === "." || name === ".." ? undefined : name;
}

/** The body's chunks; a connection cut mid-way (the server aborts a blob that turns out damaged) is an IO error. */
async function* bodyChunks(res: Response, digest: string): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  try {
    for await (const chunk of res.body) yield chunk;
  } catch (e) {
    throw new CairnError("IO", `the download of ${digest} was cut off: ${(e as Error).message}`, {
      hint: "nothing was kept; retry, and if it persists the server's store may be damaged (its operator should run `cairn store fsck`)",
      cause: e,
    });
  }
}
