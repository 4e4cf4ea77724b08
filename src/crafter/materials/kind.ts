/**
 * One material kind = one file implementing MaterialKind, registered once in registry.ts.
 * Kinds are pure: they receive bytes (never paths) and return facts. Hashing, storing and
 * reading files is the service's job.
 */

/** The first bytes of a file (at most SNIFF_BYTES) plus what is known about it without reading more. */
export interface Sample {
  head: Uint8Array;
  /** Full size of the file in bytes. */
  size: number;
  /** Base name of the file, e.g. "sbom.cdx.json". */
  fileName: string;
}

export const SNIFF_BYTES = 64 * 1024;

export interface ValidateContext {
  fileName: string;
  /** false with --no-strict-validation: schema failures become warnings. */
  strict: boolean;
}

export interface Validated {
  /** `cairn.material.*` annotations derived from the content (values are strings). */
  annotations: Record<string, string>;
  /** Non-fatal findings (schema failures under --no-strict-validation). */
  warnings: string[];
}

/** How the material's value is given on the command line. */
export type MaterialInput =
  | "value" // a literal string (STRING)
  | "file" // a path to a regular file, hashed into the CAS
  | "image"; // a container image: OCI image-layout directory `dir[@sha256:…]` or a registry reference `HOST/REPO[:TAG][@sha256:…]`

export interface MaterialKind {
  /** Enum name as in Chainloop, e.g. "SBOM_CYCLONEDX_JSON". */
  readonly kind: string;
  /** One line for `cairn materials list` and the CLI help. */
  readonly summary: string;
  /** What `validate` checks, for `cairn materials describe`. */
  readonly validates: string;
  /** Annotation keys `validate` may produce, for `cairn materials describe`. */
  readonly annotations: readonly string[];
  readonly input: MaterialInput;
  /** Whether auto-discovery may pick this kind (order = position in MATERIAL_KINDS). */
  readonly autoDetect: boolean;
  /** A zip / tar / tar.gz given for this kind becomes one material per entry, plus the archive as EVIDENCE. */
  readonly explodesArchives?: boolean;
  /** A short example value or file description for docs. */
  readonly example: string;
  /** Cheap, pure content check on the first SNIFF_BYTES of a file. Must not parse the whole file. */
  sniff?(sample: Sample): boolean;
  /**
   * Full validation of the whole content. Throws CairnError("MATERIAL_INVALID", …) naming what is
   * wrong; returns derived annotations. Absent for kinds that accept any bytes (ARTIFACT, EVIDENCE).
   */
  validate?(bytes: Uint8Array, ctx: ValidateContext): Validated | Promise<Validated>;
  /** JSON projection of the content used as policy input (JSON kinds: the document as is). */
  project?(bytes: Uint8Array): unknown;
}

/** Material annotation keys all live under this prefix. */
export const ANN = "cairn.material";

/** What `att add` records about an ATTESTATION or SLSA_PROVENANCE material's signature (services/materials/signature.ts). */
export const SIGNATURE_ANNOTATIONS = [`${ANN}.signature.verified`, `${ANN}.signature.signer`, `${ANN}.signature.issuer`, `${ANN}.signature.trusted_root`] as const;
