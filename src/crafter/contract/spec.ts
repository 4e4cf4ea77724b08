/** The body shared by both formats: v1 top-level fields = v2 `spec` fields. */
import { RUNNER_TYPES, type Contract, type RunnerType } from "./types.ts";
import { readAnnotations, readMaterials } from "./materials.ts";
import type { Path } from "./path.ts";
import { readPolicies, readPolicyGroups } from "./policies.ts";
import type { Fields, Reader } from "./reader.ts";
import { closest } from "./suggest.ts";
import type { Value } from "./tree.ts";

export const SPEC_KEYS = ["materials", "envAllowList", "runner", "annotations", "policies", "policyGroups", "provenance"] as const;

export type Spec = Pick<Contract, (typeof SPEC_KEYS)[number]>;

/** POSIX-portable environment variable name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads the spec fields from an already key-checked mapping; `base` is [] for v1, ["spec"] for v2. */
export function readSpec(r: Reader, f: Fields, base: Path, knownKinds: readonly string[]): Spec {
  const at = (key: string): Path => [...base, key];
  const [materialPolicies = [], attestationPolicies = []] = readPolicies(r, f.get("policies"), at("policies"));
  const spec: Spec = {
    materials: readMaterials(r, f.get("materials"), at("materials"), knownKinds),
    envAllowList: readEnvAllowList(r, f.get("envAllowList"), at("envAllowList")),
    annotations: readAnnotations(r, f.get("annotations"), at("annotations")),
    policies: { materials: materialPolicies, attestation: attestationPolicies },
    policyGroups: readPolicyGroups(r, f.get("policyGroups"), at("policyGroups")),
  };
  const runner = readRunner(r, f.get("runner"), at("runner"));
  if (runner !== undefined) spec.runner = runner;
  const provenance = readProvenance(r, f.get("provenance"), at("provenance"));
  if (provenance !== undefined) spec.provenance = provenance;
  return spec;
}

/** cairn's `provenance: {required: true}`: every push must also sign SLSA provenance (docs/slsa.md). */
function readProvenance(r: Reader, v: Value | undefined, path: Path): { required: boolean } | undefined {
  if (v === undefined) return undefined;
  const f = r.fields(v, path, ["required"]);
  if (!f) return undefined;
  return { required: r.boolean(f.get("required"), [...path, "required"]) ?? false };
}

/** Names of variables that must be set at init. Repeats are harmless and dropped (first one kept). */
function readEnvAllowList(r: Reader, v: Value | undefined, path: Path): string[] {
  const names = r.strings(v, path, (s) =>
    ENV_NAME.test(s) ? undefined : `"${s}" is not a valid environment variable name`,
  );
  return [...new Set(names)];
}

/** `runner.type`; RUNNER_TYPE_UNSPECIFIED (or no runner) = may run anywhere → undefined. */
function readRunner(r: Reader, v: Value | undefined, path: Path): RunnerType | undefined {
  if (v === undefined) return undefined;
  const f = r.fields(v, path, ["type"]);
  if (!f) return undefined;
  const typePath = [...path, "type"];
  const type = r.string(f.get("type"), typePath);
  if (type === undefined || type === "" || type === "RUNNER_TYPE_UNSPECIFIED") return undefined;
  const known = RUNNER_TYPES.find((t) => t === type);
  if (known) return known;
  if (type === "CHAINLOOP_SANDBOX") {
    r.add(typePath, "CHAINLOOP_SANDBOX is a Chainloop-hosted runner that cairn does not support");
    return undefined;
  }
  const guess = closest(type, RUNNER_TYPES);
  r.add(
    typePath,
    `unknown runner type "${type}"${guess === undefined ? "" : ` (did you mean "${guess}"?)`}`,
    `Use one of ${RUNNER_TYPES.join(", ")}, or RUNNER_TYPE_UNSPECIFIED / no runner to allow any.`,
  );
  return undefined;
}
