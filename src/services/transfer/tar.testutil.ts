// Test support: reads a (small) tar into memory and writes an edited copy, to build damaged and hostile exports.
import { readFileSync, writeFileSync } from "node:fs";
import tar from "tar-stream";

export interface TarEntry {
  header: Pick<tar.Header, "name"> & Partial<tar.Header>;
  body: Buffer;
}

export async function readTar(path: string): Promise<TarEntry[]> {
  const extract = tar.extract();
  const out: TarEntry[] = [];
  const done = (async () => {
    for await (const entry of extract as AsyncIterable<AsyncIterable<Uint8Array> & { header: tar.Header }>) {
      const parts: Buffer[] = [];
      for await (const c of entry) parts.push(Buffer.from(c));
      out.push({ header: { ...entry.header }, body: Buffer.concat(parts) });
    }
  })();
  extract.end(readFileSync(path));
  await done;
  return out;
}

export async function writeTar(path: string, entries: TarEntry[]): Promise<void> {
  const pack = tar.pack();
  const parts: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack as AsyncIterable<Uint8Array>) parts.push(Buffer.from(c));
  })();
  for (const e of entries) {
    const body = e.header.type === "file" || e.header.type === undefined ? e.body : Buffer.alloc(0);
    await new Promise<void>((res, rej) => pack.entry({ ...e.header, size: body.length }, body, (err) => (err ? rej(err) : res())));
  }
  pack.finalize();
  await done;
  writeFileSync(path, Buffer.concat(parts));
}

/** Writes `dst` as `src` edited by `edit` (which may change, drop or add entries). */
export async function rewriteTar(src: string, dst: string, edit: (entries: TarEntry[]) => TarEntry[]): Promise<void> {
  await writeTar(dst, edit(await readTar(src)));
}
