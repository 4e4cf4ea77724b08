import { isArchive, peekArchive, readArchive } from "../archive/index.ts";
import { baseName, isOsMetadata } from "../archive/paths.ts";
import { CairnError } from "../../errors.ts";
import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";

const REPORT = "report_json.json";
const RISKS = ["informational", "low", "medium", "high"] as const;

const isReport = (path: string): boolean => baseName(path) === REPORT && !isOsMetadata(path);

/** The parsed report_json.json of a ZAP scan zip; throws MATERIAL_INVALID when absent or not ZAP's. */
function zapReport(bytes: Uint8Array, fileName: string): Record<string, unknown> {
  if (isArchive(bytes) !== "zip") throw new CairnError("MATERIAL_INVALID", `${fileName}: is not a zip archive`);
  const reports = readArchive(bytes, { label: fileName }).entries.filter((e) => isReport(e.path));
  reports.sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : 1));
  const entry = reports[0];
  if (entry === undefined) {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: contains no ${REPORT}`, {
      hint: "Zip the output directory of a ZAP scan run with the traditional-json report.",
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(entry.bytes).replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: ${entry.path} is not valid JSON (${(e as Error).message})`);
  }
  const program = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>)["@programName"] : undefined;
  if (program !== "ZAP") {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: ${entry.path} has @programName ${JSON.stringify(program ?? null)}, expected "ZAP"`);
  }
  return doc as Record<string, unknown>;
}

function list(v: unknown): Record<string, unknown>[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return items.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null);
}

/**
 * OWASP ZAP DAST scan results: a zip holding ZAP's `report_json.json` (other reports may sit beside
 * it; macOS `__MACOSX/._*` copies are ignored). Annotations count alerts (alert types, not
 * instances) per risk over all sites. Policy input: the parsed report_json.json.
 */
export const zapKind = {
  kind: "ZAP_DAST_ZIP",
  summary: "OWASP ZAP DAST scan results: zip containing report_json.json",
  validates: `A zip archive containing ${REPORT} whose "@programName" is "ZAP".`,
  annotations: [`${ANN}.zap.version`, `${ANN}.zap.sites`, ...RISKS.map((r) => `${ANN}.zap.alerts.${r}`)],
  input: "file",
  autoDetect: true,
  example: "--value zap_scan.zip",
  sniff(sample: Sample): boolean {
    // Only names visible in the head count: a large zip whose report entry sits past 64 KiB falls back to ARTIFACT.
    const peek = peekArchive(sample.head);
    return peek?.format === "zip" && peek.entries.some((e) => isReport(e.path));
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const doc = zapReport(bytes, ctx.fileName);
    const sites = list(doc["site"]);
    const counts = [0, 0, 0, 0];
    for (const alert of sites.flatMap((s) => list(s["alerts"]))) {
      const risk = Number(alert["riskcode"]);
      if (Number.isInteger(risk) && risk >= 0 && risk <= 3) counts[risk] = (counts[risk] ?? 0) + 1;
    }
    const annotations: Record<string, string> = { [`${ANN}.zap.sites`]: String(sites.length) };
    if (typeof doc["@version"] === "string") annotations[`${ANN}.zap.version`] = doc["@version"];
    RISKS.forEach((r, i) => (annotations[`${ANN}.zap.alerts.${r}`] = String(counts[i])));
    return { annotations, warnings: [] };
  },
  project(bytes: Uint8Array): unknown {
    return zapReport(bytes, "zap scan");
  },
} as const satisfies MaterialKind;
