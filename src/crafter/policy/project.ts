/**
 * Material content → `input.content`. Each kind owns its projection (MaterialKind.project): JSON kinds
 * are the document as is (a top-level array wrapped as `{elements}`), JUNIT_XML is its suites, JaCoCo /
 * Cobertura their parsed XML (see docs/policies.md). Kinds without a projection (ARTIFACT, EVIDENCE,
 * STRING, CONTAINER_IMAGE, …) give `{}`: their rules look at `input.material`.
 */
import type { MaterialKind } from "../materials/kind.ts";

/** Largest material content given to policies; bigger content fails its policies (fail closed). */
export const MAX_POLICY_INPUT_BYTES = 64 * 1024 * 1024;

export type Projection = { content: unknown } | { unevaluable: string };

export function projectMaterial(kind: MaterialKind, bytes: Uint8Array | undefined): Projection {
  if (!kind.project || bytes === undefined) return { content: {} };
  if (bytes.length > MAX_POLICY_INPUT_BYTES) {
    return { unevaluable: `the material is ${bytes.length} bytes, over the ${MAX_POLICY_INPUT_BYTES / 1024 / 1024} MiB policy input limit` };
  }
  return { content: kind.project(bytes) };
}
