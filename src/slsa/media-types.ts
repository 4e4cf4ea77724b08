// Media types of cairn materials, for the `mediaType` of SLSA resource descriptors. A kind is listed only when every
// material of that kind has the type: YAML-or-JSON kinds (OPENAPI_SPEC, ASYNCAPI_SPEC), GraphQL SDL and free-form
// kinds (ARTIFACT, EVIDENCE, STRING) have none, and their descriptors leave mediaType out.
import { ANN } from "../crafter/materials/kind.ts";
import type { RecordedMaterial } from "../crafter/state/types.ts";

export const SIGSTORE_BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** Kind → media type. JSON report formats without a registered type of their own are application/json. */
export const KIND_MEDIA_TYPES: Readonly<Record<string, string>> = {
  SBOM_CYCLONEDX_JSON: "application/vnd.cyclonedx+json",
  SBOM_SPDX_JSON: "application/spdx+json",
  SARIF: "application/sarif+json",
  JUNIT_XML: "application/xml",
  JACOCO_XML: "application/xml",
  COBERTURA_XML: "application/xml",
  CONTAINER_IMAGE: "application/vnd.oci.image.manifest.v1+json",
  HELM_CHART: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
  ZAP_DAST_ZIP: "application/zip",
  OPENVEX: "application/json",
  CSAF_VEX: "application/json",
  CSAF_INFORMATIONAL_ADVISORY: "application/json",
  CSAF_SECURITY_ADVISORY: "application/json",
  CSAF_SECURITY_INCIDENT_RESPONSE: "application/json",
  GITLAB_SECURITY_REPORT: "application/json",
  GITLEAKS_JSON: "application/json",
  YELP_DETECT_SECRETS_BASELINE: "application/json",
  OSSF_SCORECARD_JSON: "application/json",
  BLACKDUCK_SCA_JSON: "application/json",
  TWISTCLI_SCAN_JSON: "application/json",
  GHAS_CODE_SCAN: "application/json",
  GHAS_SECRET_SCAN: "application/json",
  GHAS_DEPENDENCY_SCAN: "application/json",
  TRUFFLEHOG_JSON: "application/json",
  CHECKMARX_JSON: "application/json",
};

/** What an ATTESTATION material's `cairn.material.attestation.container` annotation says it is. */
const CONTAINER_MEDIA_TYPES: Readonly<Record<string, string>> = {
  dsse: "application/vnd.dsse.envelope.v1+json",
  "bundle-0.1": "application/vnd.dev.sigstore.bundle+json;version=0.1",
  "bundle-0.2": "application/vnd.dev.sigstore.bundle+json;version=0.2",
  "bundle-0.3": SIGSTORE_BUNDLE_V03,
};

/**
 * The material's media type, or undefined when its kind does not fix one. Images take the manifest media type
 * recorded at `add` (an index or a Docker manifest is not an OCI manifest); attestations take their container's.
 */
export function materialMediaType(m: RecordedMaterial): string | undefined {
  if (m.kind === "CONTAINER_IMAGE") return m.annotations[`${ANN}.image.media_type`] ?? KIND_MEDIA_TYPES[m.kind];
  if (m.kind === "ATTESTATION") {
    const container = m.annotations[`${ANN}.attestation.container`];
    return container === undefined ? undefined : CONTAINER_MEDIA_TYPES[container];
  }
  return Object.hasOwn(KIND_MEDIA_TYPES, m.kind) ? KIND_MEDIA_TYPES[m.kind] : undefined;
}
