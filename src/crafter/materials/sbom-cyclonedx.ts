import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, Problems, projectJson, result, setAnn, setTools, str, type Tool } from "./json-doc.ts";
import { headObject, isRecord } from "./json-sniff.ts";

const A = `${ANN}.sbom`;

/** CycloneDX SBOM in JSON, validated against the schema of its own specVersion (1.2–1.7). */
export const sbomCyclonedxKind = {
  kind: "SBOM_CYCLONEDX_JSON",
  summary: "CycloneDX SBOM (JSON), schema-validated per specVersion",
  validates:
    'A JSON object with bomFormat "CycloneDX" and a specVersion from 1.2 to 1.7, valid against that version\'s ' +
    "CycloneDX JSON schema. Tolerated like Chainloop: duplicated components and null vulnerability cwes. " +
    "--no-strict-validation records schema failures as warnings instead of rejecting the SBOM.",
  annotations: [
    `${A}.spec_version`,
    `${A}.main_component.name`,
    `${A}.main_component.type`,
    `${A}.main_component.version`,
    `${A}.component_count`,
    `${A}.has_vulnerabilities`,
    `${A}.vulnerability_count`,
    `${ANN}.tools`,
    `${ANN}.tool.name`,
    `${ANN}.tool.version`,
    `${ANN}.validation.warnings`,
  ],
  input: "file",
  autoDetect: true,
  explodesArchives: true,
  example: "--value sbom.cdx.json",
  sniff(sample: Sample): boolean {
    return headObject(sample)?.["bomFormat"] === "CycloneDX";
  },
  async validate(bytes: Uint8Array, ctx: ValidateContext): Promise<Validated> {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "a CycloneDX SBOM");
    if (doc["bomFormat"] !== "CycloneDX") {
      throw invalid(ctx, 'bomFormat must be "CycloneDX"', { hint: "is this an SPDX SBOM? use --kind SBOM_SPDX_JSON" });
    }
    const spec = str(doc["specVersion"]);
    if (spec === undefined) throw invalid(ctx, "specVersion is missing");
    const out = result(warnings);
    out.annotations[`${A}.spec_version`] = spec;
    const problems = new Problems(ctx);
    tolerateNullCwes(doc, out);
    // Loaded on first use: ajv and ~1 MB of schemas would otherwise cost every CLI start ~8 ms.
    const { CYCLONEDX_VERSIONS, cyclonedxValidator, describeErrors } = await import("./cyclonedx-schema.ts");
    const validator = cyclonedxValidator(spec);
    if (validator === undefined) {
      problems.add(`specVersion ${spec} has no JSON schema (supported: ${CYCLONEDX_VERSIONS.join(", ")})`);
    } else if (!validator(doc)) {
      for (const p of describeErrors(validator.errors)) problems.add(`CycloneDX ${spec} schema: ${p}`);
    }
    problems.settle(out);
    annotate(doc, out.annotations);
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;

/** Some scanners (JFrog Xray) write `"cwes": null`; Chainloop accepts it, so drop it before validating. */
function tolerateNullCwes(doc: Record<string, unknown>, out: Validated): void {
  const vulns = doc["vulnerabilities"];
  if (!Array.isArray(vulns)) return;
  let n = 0;
  for (const v of vulns) {
    if (isRecord(v) && v["cwes"] === null) {
      delete v["cwes"];
      n++;
    }
  }
  if (n > 0) out.warnings.push(`${n} vulnerabilities have "cwes": null (tolerated)`);
}

function annotate(doc: Record<string, unknown>, ann: Record<string, string>): void {
  const meta = isRecord(doc["metadata"]) ? doc["metadata"] : {};
  const main = meta["component"];
  if (isRecord(main)) {
    const type = str(main["type"]);
    let name = str(main["name"]);
    if (name !== undefined && type === "container") name = imageRepository(name);
    setAnn(ann, `${A}.main_component.name`, name);
    setAnn(ann, `${A}.main_component.type`, type);
    setAnn(ann, `${A}.main_component.version`, str(main["version"]) ?? trivyRepoDigest(main));
  }
  setTools(ann, tools(meta["tools"]));
  ann[`${A}.component_count`] = String(countComponents(doc["components"]));
  const vulns = Array.isArray(doc["vulnerabilities"]) ? doc["vulnerabilities"].length : 0;
  ann[`${A}.has_vulnerabilities`] = String(vulns > 0);
  ann[`${A}.vulnerability_count`] = String(vulns);
}

/** metadata.tools is an array of {vendor,name,version} before 1.5 and {components,services} since. */
function tools(raw: unknown): Tool[] {
  const list = Array.isArray(raw) ? raw : isRecord(raw) ? [raw["components"], raw["services"]].flatMap((x) => (Array.isArray(x) ? x : [])) : [];
  return list.filter(isRecord).map((t) => ({ name: str(t["name"]) ?? "", version: str(t["version"]) }));
}

function countComponents(raw: unknown): number {
  if (!Array.isArray(raw)) return 0;
  return raw.reduce<number>((n, c) => n + 1 + (isRecord(c) ? countComponents(c["components"]) : 0), 0);
}

/** Image name without tag or digest: `ghcr.io/org/app:v1` → `ghcr.io/org/app`. */
export function imageRepository(name: string): string {
  const noDigest = name.split("@")[0] ?? name;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Trivy leaves the version empty for images and records the digest as a property. */
function trivyRepoDigest(main: Record<string, unknown>): string | undefined {
  const props = Array.isArray(main["properties"]) ? main["properties"] : [];
  for (const p of props) {
    if (isRecord(p) && p["name"] === "aquasecurity:trivy:RepoDigest" && typeof p["value"] === "string") {
      const hex = p["value"].split("sha256:")[1];
      if (hex) return `sha256:${hex}`;
    }
  }
  return undefined;
}
