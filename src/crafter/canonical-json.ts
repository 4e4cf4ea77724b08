/**
 * Deterministic JSON: object keys sorted by UTF-16 code units, no insignificant whitespace, undefined members
 * dropped. Everything cairn signs is serialized this way, so the same state and clock give the same bytes.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const child = (v as Record<string, unknown>)[k];
    if (child !== undefined) out[k] = sortKeys(child);
  }
  return out;
}
