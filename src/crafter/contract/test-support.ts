// Shared by the contract *.test.ts files only.
import { expect } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { parseContract, readContractTree } from "./parse.ts";
import { readTree } from "./tree.ts";
import type { Contract } from "./types.ts";

/** Chainloop's 42 material kinds (chainloop.md §2.1), enum order. */
export const CHAINLOOP_KINDS = [
  "STRING", "CONTAINER_IMAGE", "ARTIFACT", "SBOM_CYCLONEDX_JSON", "SBOM_SPDX_JSON", "JUNIT_XML", "OPENVEX",
  "CSAF_VEX", "SARIF", "HELM_CHART", "EVIDENCE", "ATTESTATION", "CSAF_INFORMATIONAL_ADVISORY",
  "CSAF_SECURITY_ADVISORY", "CSAF_SECURITY_INCIDENT_RESPONSE", "GITLAB_SECURITY_REPORT", "ZAP_DAST_ZIP",
  "BLACKDUCK_SCA_JSON", "TWISTCLI_SCAN_JSON", "GHAS_CODE_SCAN", "GHAS_SECRET_SCAN", "GHAS_DEPENDENCY_SCAN",
  "JACOCO_XML", "SLSA_PROVENANCE", "CHAINLOOP_RUNNER_CONTEXT", "CHAINLOOP_PR_INFO", "GITLEAKS_JSON",
  "CHAINLOOP_AI_AGENT_CONFIG", "CHAINLOOP_AI_CODING_SESSION", "OPENAPI_SPEC", "ASYNCAPI_SPEC", "GRAPHQL_SPEC",
  "YELP_DETECT_SECRETS_BASELINE", "SYSINTERNALS_SIGCHECK", "SYSINTERNALS_ACCESSCHK", "CERTCC_DRANZER",
  "OSSF_SCORECARD_JSON", "RADAMSA_REPORT", "RADAMSA_CRASHES", "TRUFFLEHOG_JSON", "COBERTURA_XML", "CHECKMARX_JSON",
] as const;

/** parseContract, checked against the yaml library's path (no fast path: readContractTree over readTree) when valid. */
export function parse(text: string, source = "contract.yaml"): Contract {
  const opts = { source, knownKinds: CHAINLOOP_KINDS };
  const contract = parseContract(text, opts);
  expect(contract).toEqual(readContractTree(readTree(text, source), opts));
  return contract;
}

export interface DetailEntry {
  path: string;
  problem: string;
  line?: number;
  column?: number;
}

/** Asserts CONTRACT_INVALID and returns the problem list from the error details. */
export async function problemsOf(text: string, source = "contract.yaml"): Promise<DetailEntry[]> {
  const e = await expectCode(() => parse(text, source), "CONTRACT_INVALID");
  expect(Array.isArray(e.details)).toBe(true);
  return e.details as DetailEntry[];
}

/** Asserts CONTRACT_INVALID with exactly these problem paths (document order). */
export async function expectPaths(text: string, paths: string[]): Promise<DetailEntry[]> {
  const problems = await problemsOf(text);
  expect(problems.map((p) => p.path)).toEqual(paths);
  return problems;
}

/** A v1 document with the given body lines appended after `schemaVersion: v1`. */
export function v1(body: string): string {
  return `schemaVersion: v1\n${body}`;
}

/** A v2 document; `spec` is YAML indented by two spaces under `spec:`. */
export function v2(spec: string, name = "test"): string {
  const indented = spec.split("\n").map((l) => (l === "" ? l : `  ${l}`)).join("\n");
  return `apiVersion: chainloop.dev/v1\nkind: Contract\nmetadata:\n  name: ${name}\nspec:\n${indented}`;
}
