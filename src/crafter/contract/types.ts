/** The normalized workflow contract. Both input formats (v1 `schemaVersion` and v2 `kind: Contract`) parse to this. */

export const RUNNER_TYPES = [
  "GITHUB_ACTION",
  "GITLAB_PIPELINE",
  "AZURE_PIPELINE",
  "JENKINS_JOB",
  "CIRCLECI_BUILD",
  "DAGGER_PIPELINE",
  "TEAMCITY_PIPELINE",
  "TEKTON_PIPELINE",
] as const;
/** RUNNER_TYPE_UNSPECIFIED = generic / not in CI. */
export type RunnerType = (typeof RUNNER_TYPES)[number] | "RUNNER_TYPE_UNSPECIFIED";

export interface ContractAnnotation {
  name: string;
  /** Empty string = the value must be supplied at add/push time. */
  value: string;
}

export interface ContractMaterial {
  name: string;
  type: string;
  optional: boolean;
  output: boolean;
  skipUpload: boolean;
  /** Choke group: at least one member of each group must be present. */
  group?: string;
  annotations: ContractAnnotation[];
}

/** A policy attached to materials or to the whole attestation. Exactly one of `ref` / `embedded` is set. */
export interface PolicyAttachment {
  /**
   * `file://x.yaml`, `https://…/x.yaml`, `chainloop://[provider:][org/]name`, a bare name or a
   * relative file path; optionally suffixed `@sha256:<hex>`.
   */
  ref?: string;
  /** An inline `kind: Policy` document, kept as written (not validated here). */
  embedded?: Record<string, unknown>;
  /** Absent = the policy applies to every material of its kinds (or to the attestation). */
  selector?: { name: string; matchMode: "EXACT" | "PREFIX" };
  /** Policy arguments; numbers and booleans in the file are kept as written ("1.10" stays "1.10"). */
  with: Record<string, string>;
  /** `[org/]framework/requirement[@version]` entries this policy contributes to. */
  requirements: string[];
  /** undefined = inherit the default gating behaviour. */
  gate?: boolean;
  disabled: boolean;
}

/** A policy group attached to the contract. */
export interface PolicyGroupAttachment {
  ref: string;
  with: Record<string, string>;
  /** Names of the group's policies to skip. */
  skip: string[];
  /** undefined = inherit the default gating behaviour. */
  gate?: boolean;
}

export interface Contract {
  /** metadata.name for v2; undefined for v1 (the name comes from the store or the file name). */
  name?: string;
  description?: string;
  /** v2 `metadata.annotations` (a string map describing the contract itself, not the attestation). */
  metadataAnnotations?: Record<string, string>;
  /** v2 `metadata.organization`, kept for round-tripping; cairn does not use it. */
  organization?: string;
  /** Which input format it was written in. */
  format: "v1" | "v2";
  materials: ContractMaterial[];
  envAllowList: string[];
  runner?: RunnerType;
  annotations: ContractAnnotation[];
  policies: { materials: PolicyAttachment[]; attestation: PolicyAttachment[] };
  policyGroups: PolicyGroupAttachment[];
  /** cairn's extension `provenance.required`: pushes must sign SLSA provenance too (absent = optional). */
  provenance?: { required: boolean };
}

/** The contract used when a workflow has none: no required materials, anything contract-free may be added. */
export const EMPTY_CONTRACT: Contract = {
  format: "v2",
  name: "default",
  materials: [],
  envAllowList: [],
  annotations: [],
  policies: { materials: [], attestation: [] },
  policyGroups: [],
};
