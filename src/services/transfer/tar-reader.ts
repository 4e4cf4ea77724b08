// Reads an export tar without trusting it: every entry name and type is checked before its content is read, JSON
// entries are held in memory (bounded), blobs stream to a staging directory while hashed. Nothing reaches the CAS.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { join } from "node:path";
import tar from "tar-stream";
import { CairnError, isCairnError } from "../../errors.ts";
import { classifyEntryName, type EntryName } from "../../crafter/transfer-names.ts";
import { MAX_BLOB_ENTRY, MAX_ENTRIES, MAX_JSON_ENTRY, MAX_JSON_TOTAL, type ManifestEntry } from "./layout.ts";

export interface ReadEntry extends ManifestEntry {
  kind: EntryName;
  /** JSON entries (manifest, runs, attestations, contracts). */
  bytes?: Uint8Array;
  /** Blobs: the staged file. */
  staged?: string;
}

export interface ReadTar {
  /** In tar order, manifest.json last. */
  entries: ReadEntry[];
  stagingDir: string;
}

/** Refuses the file, naming the entry; the caller removes the staging directory. */
export const refuse = (entry: string, why: string): never => {
  throw new CairnError("VERIFY_FAILED", `${entry}: ${why}; nothing was imported`, {
    hint: "the export file is damaged, tampered with, or not written by `cairn export`",
    details: { entry },
  });
};

type Source = AsyncIterable<Uint8Array> & { header: tar.Header };

export async function readExportTar(file: string, stagingDir: string): Promise<ReadTar> {
  await mkdir(stagingDir, { recursive: true, mode: 0o700 });
  const input = createReadStream(file);
  const extract = tar.extract();
  input.on("error", (e) => extract.destroy(e));
  input.pipe(extract);
  const entries: ReadEntry[] = [];
  const seen = new Set<string>();
  let jsonBytes = 0;
  try {
    for await (const source of extract as AsyncIterable<Source>) {
      const h = source.header;
      const kind = checkHeader(h, seen, entries);
      if (kind.kind !== "blob" && (jsonBytes += h.size ?? 0) > MAX_JSON_TOTAL) refuse(h.name, `the JSON entries together exceed ${MAX_JSON_TOTAL} bytes`);
      entries.push(await readEntry(source, kind, stagingDir));
    }
  } catch (e) {
    input.destroy();
    if (isCairnError(e)) throw e;
    throw new CairnError("VERIFY_FAILED", `${file}: is not a readable tar (${(e as Error).message}); nothing was imported`, { hint: "pass a file written by `cairn export`", cause: e });
  }
  if (entries.at(-1)?.name !== "manifest.json") refuse("manifest.json", "is missing (it is the last entry of an export)");
  return { entries, stagingDir };
}

function checkHeader(h: tar.Header, seen: Set<string>, entries: ReadEntry[]): EntryName {
  const name = h.name;
  if (h.type !== "file") refuse(name, `is a ${h.type}, only regular files are accepted`);
  const kind = classifyEntryName(name);
  if ("refused" in kind) return refuse(JSON.stringify(name), kind.refused);
  if (seen.has(name)) refuse(name, "appears twice in the tar");
  seen.add(name);
  if (seen.size > MAX_ENTRIES) refuse(name, `the tar has more than ${MAX_ENTRIES} entries`);
  if (entries.at(-1)?.name === "manifest.json") refuse(name, "follows manifest.json, which must be the last entry");
  const limit = kind.kind === "blob" ? MAX_BLOB_ENTRY : MAX_JSON_ENTRY;
  if (h.size > limit) refuse(name, `is ${h.size} bytes, over the limit of ${limit}`);
  return kind;
}

async function readEntry(source: Source, kind: EntryName, stagingDir: string): Promise<ReadEntry> {
  const name = source.header.name;
  const hash = createHash("sha256");
  let size = 0;
  if (kind.kind !== "blob") {
    const parts: Uint8Array[] = [];
    for await (const chunk of source) {
      hash.update(chunk);
      parts.push(chunk);
      size += chunk.length;
    }
    const entry = { name, kind, digest: `sha256:${hash.digest("hex")}`, size, bytes: Buffer.concat(parts) };
    if (kind.kind === "attestation" && entry.digest !== kind.digest) refuse(name, `content hashes to ${entry.digest}, not the digest its name gives`);
    return entry;
  }
  const staged = join(stagingDir, kind.digest!.slice("sha256:".length));
  const fh = await open(staged, "wx", 0o600);
  try {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
      await fh.write(chunk);
    }
    // No fsync: a staged file never outlives the import, and the CAS fsyncs its own copy when the blob is stored.
  } finally {
    await fh.close();
  }
  const digest = `sha256:${hash.digest("hex")}`;
  if (digest !== kind.digest) refuse(name, `content hashes to ${digest}: the blob was altered`);
  return { name, kind, digest, size, staged };
}

export async function removeStaging(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
