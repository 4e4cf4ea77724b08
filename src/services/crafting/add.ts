import { CairnError } from "../../errors.ts";
import { mergeAnnotations, resolveTarget, withMaterial } from "../../crafter/state/transitions.ts";
import type { RecordedMaterial } from "../../crafter/state/types.ts";
import type { ServiceDeps } from "../deps.ts";
import { evaluateMaterial, type Evaluated } from "../materials/evaluate.ts";

export interface AddInput {
  name?: string;
  value: string;
  kind?: string;
  annotations: Record<string, string>;
  strict: boolean;
}

/** Files above this size get a progress bar on a terminal. */
const PROGRESS_THRESHOLD = 1024 * 1024;

/**
 * `attestation add`: validates the material against its kind, stores file content in the CAS (hashed while it
 * streams, one pass; not in dry-run, not for skipUpload), and records it in the crafting state under a lock.
 * On any error the state is left as it was.
 */
export async function addMaterial(deps: ServiceDeps, input: AddInput): Promise<RecordedMaterial> {
  return deps.state.update(async (state) => {
    const target = resolveTarget(state, input.name, input.kind);
    const ev = await evaluateMaterial(input.value, target.kind, { cwd: deps.config.cwd, strict: input.strict });
    const name = target.name || `${ev.kind.kind.toLowerCase().replace(/_/g, "-")}-${Object.keys(state.materials).length + 1}`;
    const annotations = mergeAnnotations(`material ${name}`, target.contract?.annotations ?? [], input.annotations, ev.annotations);
    if (ev.warnings.length > 0) {
      annotations["cairn.material.validation.warnings"] ??= String(ev.warnings.length);
      for (const w of ev.warnings) deps.reporter.warn(`${name}: ${w}`);
    }
    const upload = ev.path !== undefined && !state.dryRun && !target.contract?.skipUpload;
    const stored = await store(deps, ev, upload);
    const material: RecordedMaterial = {
      name,
      kind: ev.kind.kind,
      digest: stored.digest,
      value: ev.value,
      size: stored.size,
      uploaded: upload,
      output: target.contract?.output ?? false,
      required: target.contract ? !target.contract.optional : false,
      fromContract: target.contract !== undefined,
      addedAt: deps.clock.now().toISOString(),
      annotations,
      warnings: ev.warnings,
    };
    return { state: withMaterial(state, material), result: material };
  });
}

async function store(deps: ServiceDeps, ev: Evaluated, upload: boolean): Promise<{ digest: string; size?: number }> {
  if (ev.path === undefined) return { digest: ev.digest, size: ev.size };
  if (ev.bytes) return upload ? deps.blobs.putBytes(ev.bytes) : { digest: ev.digest, size: ev.size };
  const total = ev.size ?? 0;
  const onProgress = total > PROGRESS_THRESHOLD && deps.reporter.progress ? (n: number) => deps.reporter.progress!(ev.value, n, total) : undefined;
  if (upload) return deps.blobs.ingestFile(ev.path, { onProgress });
  return hashFile(ev.path, onProgress);
}

/** Dry-run and skipUpload: the digest without storing anything. */
async function hashFile(path: string, onProgress?: (n: number) => void): Promise<{ digest: string; size: number }> {
  const hasher = new Bun.CryptoHasher("sha256");
  let size = 0;
  for await (const chunk of Bun.file(path).stream()) {
    hasher.update(chunk);
    size += chunk.length;
    onProgress?.(size);
  }
  if (size === 0) throw new CairnError("MATERIAL_EMPTY", `file ${path} is empty`);
  return { digest: `sha256:${hasher.digest("hex")}`, size };
}

