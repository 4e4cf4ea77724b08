import type { MaterialKind } from "./kind.ts";

/** Any file, referenced by its sha256 digest and stored in the CAS. The fallback for unrecognised files. */
export const artifactKind = {
  kind: "ARTIFACT",
  summary: "Any file (binary, archive, document), hashed and stored in the CAS",
  validates: "Nothing beyond being a non-empty regular file.",
  annotations: [],
  input: "file",
  autoDetect: true,
  example: "--value dist/app.tar.gz",
} as const satisfies MaterialKind;
