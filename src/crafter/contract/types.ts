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

export interface PolicyAttachment {
  ref: string;
  selector?: { name: string; matchMode: "EXACT" | "PREFIX" };
  with: Record<string, string>;
  gate?: boolean;
  disabled: boolean;
}

export interface Contract {
  /** metadata.name for v2; undefined for v1 (the name comes from the store or the file name). */
  name?: string;
  description?: string;
  /** Which input format it was written in. */
  format: "v1" | "v2";
  materials: ContractMaterial[];
  envAllowList: string[];
  runner?: RunnerType;
  annotations: ContractAnnotation[];
  policies: { materials: PolicyAttachment[]; attestation: PolicyAttachment[] };
}

/** The contract used when a workflow has none: no required materials, anything contract-free may be added. */
export const EMPTY_CONTRACT: Contract = {
  format: "v2",
  name: "default",
  materials: [],
  envAllowList: [],
  annotations: [],
  policies: { materials: [], attestation: [] },
};
