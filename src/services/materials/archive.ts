import { basename, resolve } from "node:path";
import { CairnError } from "../../errors.ts";
import { archiveEvidenceName, isArchive, planArchiveExplosion, readArchive } from "../../crafter/archive/index.ts";
import type { MaterialKind } from "../../crafter/materials/kind.ts";
import { sha256 } from "../../crafter/sha256.ts";
import { MAX_VALIDATE_BYTES, readSample, requireKind, statFile, type Evaluated } from "./evaluate.ts";

export interface ExplodedMaterial {
  name: string;
  ev: Evaluated;
}

/** True when `value` names a file that is a zip, tar or tar.gz (looks at the first 64 KiB only). */
export function isArchiveFile(value: string, cwd: string): boolean {
  const path = resolve(cwd, value);
  try {
    return isArchive(readSample(path, statFile(path, value).size).head) !== null;
  } catch {
    return false;
  }
}

/**
 * Validates every report in an archive as `kind`. Returns one material per entry (names `<name>`, `<name>-1`, … in
 * path order, as Chainloop) plus the archive itself as EVIDENCE `<name>-archive` referencing them. Any invalid
 * entry fails the whole add: all or nothing. Entry paths, links, counts and sizes are checked by readArchive.
 */
export async function explodeArchive(kind: MaterialKind, value: string, name: string, opts: { cwd: string; strict: boolean }): Promise<ExplodedMaterial[]> {
  const path = resolve(opts.cwd, value);
  const size = statFile(path, value).size;
  if (size > MAX_VALIDATE_BYTES) {
    throw new CairnError("MATERIAL_INVALID", `${value}: ${size} bytes is too large to explode`, { hint: `archives are limited to ${MAX_VALIDATE_BYTES} bytes` });
  }
  const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
  const archiveName = basename(path);
  const { entries } = readArchive(bytes, { label: archiveName });
  const candidates = kind.kind === "JUNIT_XML" ? entries.filter((e) => e.path.toLowerCase().endsWith(".xml")) : entries;
  const plan = planArchiveExplosion(name, candidates);
  if (plan.length === 0) {
    throw new CairnError("MATERIAL_INVALID", `${archiveName}: the archive holds no ${kind.kind} reports`, { hint: `add it as --kind EVIDENCE or ARTIFACT instead` });
  }
  const byPath = new Map(candidates.map((e) => [e.path, e.bytes]));
  const out: ExplodedMaterial[] = [];
  for (const p of plan) {
    const entry = byPath.get(p.path)!;
    const v = await kind.validate!(entry, { fileName: `${archiveName}:${p.path}`, strict: opts.strict });
    const annotations = { ...v.annotations, "cairn.material.archive": archiveName, "cairn.material.archive.entry": p.path };
    out.push({ name: p.name, ev: { kind, value: p.path, bytes: entry, digest: sha256(entry), size: entry.length, annotations, warnings: v.warnings } });
  }
  const evidence = requireKind("EVIDENCE");
  const refs = JSON.stringify(plan.map((p) => p.name));
  out.push({
    name: archiveEvidenceName(name),
    ev: { kind: evidence, value: archiveName, path, bytes, digest: sha256(bytes), size: bytes.length, annotations: { "cairn.material.references": refs }, warnings: [] },
  });
  return out;
}
