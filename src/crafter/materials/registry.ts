import type { MaterialKind } from "./kind.ts";
import { stringKind } from "./string.ts";
import { artifactKind } from "./artifact.ts";
import { evidenceKind } from "./evidence.ts";
import { openvexKind } from "./openvex.ts";
import { sbomCyclonedxKind } from "./sbom-cyclonedx.ts";
import { sbomSpdxKind } from "./sbom-spdx.ts";
import { csafVexKind } from "./csaf-vex.ts";
import { csafInformationalAdvisoryKind } from "./csaf-informational-advisory.ts";
import { csafSecurityAdvisoryKind } from "./csaf-security-advisory.ts";
import { csafSecurityIncidentResponseKind } from "./csaf-security-incident-response.ts";
import { gitlabKind } from "./gitlab.ts";
import { gitleaksKind } from "./gitleaks.ts";
import { detectSecretsKind } from "./detect-secrets.ts";
import { scorecardKind } from "./scorecard.ts";
import { sarifKind } from "./sarif.ts";
import { blackduckKind } from "./blackduck.ts";
import { twistcliKind } from "./twistcli.ts";
import { slsaProvenanceKind } from "./slsa-provenance.ts";
import { attestationKind } from "./attestation.ts";
import { ghasCodeScanKind } from "./ghas-code-scan.ts";
import { ghasSecretScanKind } from "./ghas-secret-scan.ts";
import { ghasDependencyScanKind } from "./ghas-dependency-scan.ts";
import { trufflehogKind } from "./trufflehog.ts";
import { checkmarxKind } from "./checkmarx.ts";
import { containerImageKind } from "./container-image.ts";
import { openapiKind } from "./openapi.ts";
import { asyncapiKind } from "./asyncapi.ts";
import { graphqlKind } from "./graphql.ts";
import { junitKind } from "./junit.ts";
import { jacocoKind } from "./jacoco.ts";
import { coberturaKind } from "./cobertura.ts";
import { helmKind } from "./helm.ts";
import { zapKind } from "./zap.ts";

/**
 * Every material kind, in auto-discovery order: `detect` tries each kind with autoDetect=true
 * from the top and takes the first whose sniff matches. ARTIFACT (files) and STRING (values)
 * are the fallbacks and stay last. A new kind is one file plus one line here.
 *
 * The order is Chainloop's CraftingMaterialInValidationOrder (chainloop.md §2.2), so a file
 * two kinds could claim resolves the same way it does there. Kinds Chainloop leaves out of
 * auto-discovery (generic shapes that would shadow others) have autoDetect=false and sit
 * after the auto-detected ones.
 */
export const MATERIAL_KINDS = [
  evidenceKind,
  openvexKind,
  sbomCyclonedxKind,
  sbomSpdxKind,
  csafVexKind,
  csafInformationalAdvisoryKind,
  csafSecurityAdvisoryKind,
  csafSecurityIncidentResponseKind,
  gitlabKind,
  gitleaksKind,
  detectSecretsKind,
  scorecardKind,
  openapiKind,
  asyncapiKind,
  graphqlKind,
  junitKind,
  jacocoKind,
  coberturaKind,
  helmKind,
  sarifKind,
  blackduckKind,
  twistcliKind,
  zapKind,
  slsaProvenanceKind,
  attestationKind,
  containerImageKind,
  ghasCodeScanKind,
  ghasSecretScanKind,
  ghasDependencyScanKind,
  trufflehogKind,
  checkmarxKind,
  artifactKind,
  stringKind,
] as const satisfies readonly MaterialKind[];

export type KindName = (typeof MATERIAL_KINDS)[number]["kind"];

const BY_NAME = new Map<string, MaterialKind>(MATERIAL_KINDS.map((k) => [k.kind, k]));

export function findKind(name: string): MaterialKind | undefined {
  return BY_NAME.get(name);
}

export function kindNames(): string[] {
  return MATERIAL_KINDS.map((k) => k.kind);
}
