import { SNIFF_BYTES, type MaterialKind, type Sample } from "./kind.ts";
import { findKind, MATERIAL_KINDS } from "./registry.ts";

/**
 * Auto-discovery, pure: the first kind (in registry order) with autoDetect whose sniff matches the
 * file's first SNIFF_BYTES. A value that is not a file (null sample) is a STRING; a file nothing
 * claims is an ARTIFACT. Never reads more than the sample and never throws for odd content.
 *
 * @example detectKind(sampleOf(bytes, "sbom.cdx.json"), "sbom.cdx.json").kind // "SBOM_CYCLONEDX_JSON"
 */
export function detectKind(sample: Sample | null, _value: string): MaterialKind {
  if (sample === null) return fallback("STRING");
  for (const kind of MATERIAL_KINDS as readonly MaterialKind[]) {
    if (!kind.autoDetect || kind.sniff === undefined) continue;
    let hit = false;
    try {
      hit = kind.sniff(sample);
    } catch {
      // A sniffer must not throw; if one does, it simply does not claim the file.
    }
    if (hit) return kind;
  }
  return fallback("ARTIFACT");
}

/** Every kind whose sniff matches, auto-detected or not (for hints such as "looks like GHAS_CODE_SCAN"). */
export function sniffAll(sample: Sample): MaterialKind[] {
  return (MATERIAL_KINDS as readonly MaterialKind[]).filter((k) => {
    try {
      return k.sniff?.(sample) === true;
    } catch {
      return false;
    }
  });
}

/** A Sample over bytes already in memory (tests, archives, the conformance script). */
export function sampleOf(bytes: Uint8Array, fileName: string): Sample {
  return { head: bytes.subarray(0, SNIFF_BYTES), size: bytes.length, fileName };
}

function fallback(name: "STRING" | "ARTIFACT"): MaterialKind {
  const kind = findKind(name);
  if (kind === undefined) throw new Error(`registry has no ${name} kind`);
  return kind;
}
