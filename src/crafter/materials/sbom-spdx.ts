import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, Problems, projectJson, result, setAnn, setTools, str, type Tool } from "./json-doc.ts";
import { headObject, isRecord } from "./json-sniff.ts";
import { imageRepository } from "./sbom-cyclonedx.ts";

const A = `${ANN}.sbom`;
const VERSIONS = ["SPDX-2.2", "SPDX-2.3"];

/** SPDX 2.2/2.3 SBOM in JSON. */
export const sbomSpdxKind = {
  kind: "SBOM_SPDX_JSON",
  summary: "SPDX 2.2/2.3 SBOM (JSON)",
  validates:
    "A JSON object with spdxVersion SPDX-2.2 or SPDX-2.3 and the required document fields: dataLicense CC0-1.0, " +
    "SPDXID SPDXRef-DOCUMENT, name, documentNamespace, creationInfo.created and creationInfo.creators; packages need " +
    "SPDXID, name and downloadLocation. --no-strict-validation records field problems as warnings.",
  annotations: [
    `${A}.spec_version`,
    `${A}.main_component.name`,
    `${A}.main_component.type`,
    `${A}.main_component.version`,
    `${A}.component_count`,
    `${ANN}.tools`,
    `${ANN}.tool.name`,
    `${ANN}.tool.version`,
    `${ANN}.validation.warnings`,
  ],
  input: "file",
  autoDetect: true,
  explodesArchives: true,
  example: "--value sbom.spdx.json",
  sniff(sample: Sample): boolean {
    const v = headObject(sample)?.["spdxVersion"];
    return typeof v === "string" && v.startsWith("SPDX-");
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "an SPDX document");
    const version = doc["spdxVersion"];
    if (typeof version !== "string" || !VERSIONS.includes(version)) {
      throw invalid(ctx, `spdxVersion ${JSON.stringify(version)} is not supported (${VERSIONS.join(", ")})`, {
        hint: "export the SBOM as SPDX 2.3 JSON, or add it as ARTIFACT",
      });
    }
    const problems = new Problems(ctx);
    checkDocument(doc, problems);
    const packages = Array.isArray(doc["packages"]) ? doc["packages"] : [];
    packages.forEach((p, i) => {
      if (!isRecord(p)) return problems.add(`packages[${i}] is not an object`);
      for (const f of ["SPDXID", "name", "downloadLocation"]) if (str(p[f]) === undefined) problems.add(`packages[${i}].${f} is missing`);
    });
    const out = result(warnings);
    problems.settle(out);
    const ann = out.annotations;
    ann[`${A}.spec_version`] = version;
    ann[`${A}.component_count`] = String(packages.length);
    const main = describedPackage(doc, packages);
    if (main) {
      const type = str(main["primaryPackagePurpose"])?.toLowerCase();
      const name = str(main["name"]);
      setAnn(ann, `${A}.main_component.name`, name && type === "container" ? imageRepository(name) : name);
      setAnn(ann, `${A}.main_component.type`, type);
      setAnn(ann, `${A}.main_component.version`, str(main["versionInfo"]));
    }
    const info = isRecord(doc["creationInfo"]) ? doc["creationInfo"] : {};
    setTools(ann, creatorTools(info["creators"]));
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;

function checkDocument(doc: Record<string, unknown>, problems: Problems): void {
  if (doc["dataLicense"] !== "CC0-1.0") problems.add('dataLicense must be "CC0-1.0"');
  if (doc["SPDXID"] !== "SPDXRef-DOCUMENT") problems.add('SPDXID must be "SPDXRef-DOCUMENT"');
  if (str(doc["name"]) === undefined) problems.add("name is missing");
  if (str(doc["documentNamespace"]) === undefined) problems.add("documentNamespace is missing");
  const info = doc["creationInfo"];
  if (!isRecord(info)) return problems.add("creationInfo is missing");
  if (str(info["created"]) === undefined) problems.add("creationInfo.created is missing");
  const creators = info["creators"];
  if (!Array.isArray(creators) || creators.length === 0 || !creators.every((c) => typeof c === "string")) {
    problems.add("creationInfo.creators must list at least one creator");
  }
}

/** The package the document DESCRIBES (documentDescribes in 2.2, a DESCRIBES relationship in 2.3). */
function describedPackage(doc: Record<string, unknown>, packages: unknown[]): Record<string, unknown> | undefined {
  const ids: unknown[] = Array.isArray(doc["documentDescribes"]) ? [...doc["documentDescribes"]] : [];
  for (const r of Array.isArray(doc["relationships"]) ? doc["relationships"] : []) {
    if (!isRecord(r)) continue;
    if (r["spdxElementId"] === "SPDXRef-DOCUMENT" && r["relationshipType"] === "DESCRIBES") ids.push(r["relatedSpdxElement"]);
    if (r["relatedSpdxElement"] === "SPDXRef-DOCUMENT" && r["relationshipType"] === "DESCRIBED_BY") ids.push(r["spdxElementId"]);
  }
  for (const id of ids) {
    const p = packages.find((x) => isRecord(x) && x["SPDXID"] === id);
    if (isRecord(p)) return p;
  }
  return undefined;
}

/** `Tool: syft-0.100.0` → syft@0.100.0; `Tool: spdxgen` → spdxgen. */
function creatorTools(creators: unknown): Tool[] {
  if (!Array.isArray(creators)) return [];
  return creators.flatMap((c) => {
    if (typeof c !== "string" || !c.startsWith("Tool:")) return [];
    const t = c.slice(5).trim();
    const m = /^(.+)-(v?\d[\w.+-]*)$/.exec(t);
    return t === "" ? [] : [m ? { name: m[1] as string, version: m[2] } : { name: t }];
  });
}
