// The verification policy of `cairn verify`, `POST /api/v1/verify` and the admission endpoint, as users write it
// (flags, a JSON body, a namespace of the admission configuration). Parsed once at each edge into this typed value;
// the verify service decides on it. Pure: no I/O.

/** What an artifact's attestations must show to pass. Every field is optional: absent = not checked. */
export interface VerificationPolicySpec {
  /** `--workflow`: the workflow that must have produced it (its name; with `project`, that project's). */
  workflow?: string;
  /** `--project`: the project whose workflow must have produced it. */
  project?: string;
  /** `--allow-behind`: accept runs whose contract revision is older than the latest. Default false. */
  allowBehind?: boolean;
  /**
   * `--include-inputs`: also accept attestations that name the artifact only as an input material. By default the
   * artifact must be a subject (an output the contract declares), as "which workflow produced it" requires.
   */
  includeInputs?: boolean;
  /** `--require-provenance`: an accepted SLSA provenance of the artifact is required (docs/slsa.md). Default false. */
  requireProvenance?: boolean;
  /** `--require-tlog`: each accepted attestation must have a verified transparency-log entry. Default false. */
  requireTlog?: boolean;
  /** `--max-age 30d`: the run must have finished at most this long ago (milliseconds). */
  maxAgeMs?: number;
  /** `--policy FILE|builtin:NAME` (repeatable): evaluated on the attested materials, fetched by digest and re-hashed. */
  policies?: string[];
  /** `--policy-input NAME=VALUE` (repeatable): inputs of the `policies`, each policy taking the ones it declares. */
  policyInputs?: Record<string, string>;
  /** `--source-ref refs/heads/main`: the git ref the run was built from. */
  sourceRef?: string;
  /** Keyless identity pins, as `att verify`'s flags (whole-value regexps are given as source strings). */
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
}

/** A verification's outcome, as a VSA's verificationResult says it. */
export type VerificationResult = "PASSED" | "FAILED";
