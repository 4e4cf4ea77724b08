// The read side of the log, as C2SP tlog-tiles publishes it (no token): the checkpoint, hash tiles and entry
// bundles under /api/v1/log/. Tiles are immutable once served at a width; the checkpoint changes with every batch.
import { CairnError } from "../../errors.ts";
import { encodeEntryBundle, parseTilePath } from "../../tlog/tiles.ts";
import type { PublicContext } from "../public-routes.ts";
import { sigstoreError } from "./answer.ts";

const FULL = 256;
const IMMUTABLE = { "Content-Type": "application/octet-stream", "Cache-Control": "public, max-age=31536000, immutable" };
export const noLog = () => new CairnError("NOT_CONFIGURED", "this server keeps no transparency log", { hint: "on the server: `cairn ca init` (or `cairn log init`), then restart `cairn serve`" });
const noTile = (path: string) => new CairnError("NOT_FOUND", `no tile ${path.slice(0, 200)}`, { hint: "tiles exist up to the current checkpoint's size (GET /api/v1/log/checkpoint); see C2SP tlog-tiles for the paths" });

export async function checkpoint(c: PublicContext): Promise<Response> {
  if (!c.trust.log) return sigstoreError(noLog());
  const latest = await c.app.tlog.latestCheckpoint();
  if (!latest) return sigstoreError(noLog());
  return new Response(latest.note, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "max-age=2" } });
}

export async function tile(c: PublicContext): Promise<Response> {
  if (!c.trust.log) return sigstoreError(noLog());
  const rest = c.params.rest ?? "";
  const t = parseTilePath(rest.split("/"));
  if (!t) return sigstoreError(new CairnError("USAGE", `tile path ${JSON.stringify(rest.slice(0, 200))} is not a C2SP tile path`, { hint: "e.g. /api/v1/log/tile/0/x001/234, /api/v1/log/tile/1/000.p/17, /api/v1/log/tile/entries/000" }));
  const width = t.width ?? FULL;
  if (t.kind === "entries") {
    const size = await c.app.tlog.size();
    const from = t.index * FULL;
    if (from + width > size || (t.width === undefined && size < from + FULL)) return sigstoreError(noTile(rest));
    return new Response(encodeEntryBundle(await c.app.tlog.bodies(from, from + width)), { status: 200, headers: IMMUTABLE });
  }
  const data = await c.app.tlog.tile(t.level, t.index);
  if (!data || data.length < width * 32) return sigstoreError(noTile(rest));
  return new Response(data.subarray(0, width * 32), { status: 200, headers: IMMUTABLE });
}
