// Where a log is read from, for `cairn log …` and monitors: the local store (the server's home, even with the
// server stopped), or a server's published tiles over HTTP (no token). Both give the same three things C2SP
// tlog-tiles publishes: the checkpoint, hash tiles and entry bundles.
import { CairnError } from "../../errors.ts";
import type { TlogRepo } from "../../store/tlog-port.ts";
import { decodeEntryBundle, entriesPath, tilePath } from "../../tlog/tiles.ts";

export interface LogSource {
  /** For messages: the store path or the URL. */
  name: string;
  checkpoint(): Promise<string | undefined>;
  /** The tile's first `width` hashes (256 = full), or undefined when it does not exist at that width. */
  tile(level: number, index: number, width: number): Promise<Uint8Array | undefined>;
  /** Entry bodies [from, to) — whole or partial entry bundles (to - from ≤ 256 within one bundle for HTTP). */
  bodies(from: number, to: number): Promise<Uint8Array[]>;
}

export function storeSource(repo: TlogRepo, name: string): LogSource {
  return {
    name,
    checkpoint: async () => (await repo.latestCheckpoint())?.note,
    tile: async (level, index, width) => {
      const t = await repo.tile(level, index);
      return t && t.length >= width * 32 ? t.subarray(0, width * 32) : undefined;
    },
    bodies: async (from, to) => repo.bodies(from, to),
  };
}

export function httpSource(baseUrl: string, opts: { fetch?: typeof fetch; ca?: string } = {}): LogSource {
  const base = `${baseUrl.replace(/\/+$/, "")}/api/v1/log`;
  const get = async (path: string): Promise<Response | undefined> => {
    let res: Response;
    try {
      res = await (opts.fetch ?? fetch)(`${base}/${path}`, { redirect: "error", ...(opts.ca && { tls: { ca: opts.ca } }) });
    } catch (e) {
      throw new CairnError("NETWORK", `cannot reach ${base}/${path}: ${(e as Error).message}`, { hint: "check --control-plane" });
    }
    if (res.status === 404) return undefined;
    if (res.status === 501) throw new CairnError("NOT_CONFIGURED", `${baseUrl} keeps no transparency log`);
    if (!res.ok) throw new CairnError("IO", `${base}/${path} answered ${res.status} ${res.statusText}`);
    return res;
  };
  return {
    name: base,
    checkpoint: async () => (await get("checkpoint"))?.text(),
    tile: async (level, index, width) => {
      const res = await get(tilePath(level, index, width === 256 ? undefined : width));
      return res ? new Uint8Array(await res.arrayBuffer()) : undefined;
    },
    bodies: async (from, to) => {
      const out: Uint8Array[] = [];
      for (let start = from; start < to; ) {
        const index = Math.floor(start / 256);
        const end = Math.min(to, (index + 1) * 256);
        const width = end - index * 256;
        const res = await get(entriesPath(index, width === 256 ? undefined : width));
        if (!res) throw new CairnError("VERIFY_FAILED", `${base} has no entry bundle for entries ${index * 256}..${end - 1}`);
        const all = decodeEntryBundle(new Uint8Array(await res.arrayBuffer()));
        out.push(...all.slice(start - index * 256, end - index * 256));
        start = end;
      }
      return out;
    },
  };
}
