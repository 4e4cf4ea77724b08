// The types of `cairn verify`, `POST /api/v1/verify` and admission: what is trusted, what was considered, the verdict.
import type { KeyObject } from "node:crypto";
import type { NamedRoot } from "../../trust/policy.ts";
import type { VerificationPolicySpec } from "../../slsa/verification-policy.ts";
import type { Scope } from "../../store/ports.ts";

/** What the caller trusts: public keys (`--key`) and trusted roots. The service adds the store org's live keys. */
export interface ArtifactTrust {
  keys: KeyObject[];
  roots: NamedRoot[];
}

/** One attestation that references the artifact, and why it was accepted or not. */
export interface ConsideredAttestation {
  /** sha256 of the bundle bytes. */
  digest: string;
  predicateType: string;
  workflow?: string;
  project?: string;
  runId?: string;
  accepted: boolean;
  /** Short, specific reasons it was rejected (empty when accepted). */
  reasons: string[];
  /** Its signature has a verified transparency-log entry. */
  tlog: boolean;
  /** Who signed it (`key <id>` or the certificate SAN), once its signature verified. */
  signer?: string;
  /** How the signed statement names the artifact: as a subject (an output) or a material (an input). */
  role?: "subject" | "material";
  /** Where it came from: the store's referrer graph, or (verify image) the registry's OCI referrers only. */
  source?: "store" | "registry";
}

export interface ArtifactVerdict {
  /** sha256:HEX */
  subject: string;
  resourceUri: string;
  result: "PASSED" | "FAILED";
  /** No considered attestation has a valid signature naming the artifact (exit 1, not the policy's 4). */
  noValidAttestation: boolean;
  considered: ConsideredAttestation[];
  /**
   * How many stored attestations were not examined: one of the same predicate type was already accepted, so they could change
   * neither the result nor the levels (`--all` / `exhaustive` examines every one). Absent when there are none.
   */
  notExamined?: number;
  /** sha256 of the canonical policy spec. */
  policyDigest: string;
  acceptedDigests: string[];
  verifiedLevels: string[];
}

export interface VerifyDigestInput {
  /** sha256:HEX */
  digest: string;
  resourceUri: string;
  policy: VerificationPolicySpec;
  trust: ArtifactTrust;
  /** An API token's scope (`cairn serve`): only attestations of its runs. */
  scope?: Scope;
  /**
   * Where `policy.policies` may come from: "local" (the CLI: files, builtin:NAME, stored names) or "served" (a server
   * deciding for a caller: builtin:NAME and stored names only, never a path on the server's disk).
   */
  policySources?: "local" | "served";
  /** `--all`: examine every attestation, also after the verdict is decided. */
  exhaustive?: boolean;
}

/** A bundle found outside the store (an image's OCI referrers), to be judged with the store's ones. */
export interface ExtraBundle {
  bytes: Uint8Array;
  /** Where it was found, for reasons (e.g. `registry.example/app referrer sha256:…`). */
  origin: string;
}
