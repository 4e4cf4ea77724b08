import { isArchive, peekArchive, readArchive, type ArchiveEntry } from "../archive/index.ts";
import { CairnError } from "../../errors.ts";
import { parseYamlBounded } from "./yaml-doc.ts";
import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";

/** `<chart>/Chart.yaml` at the top of the archive (subcharts under charts/ are deeper). */
const CHART_YAML = /^[^/]+\/Chart\.yaml$/;

function yamlOf(entry: ArchiveEntry, fileName: string, schema?: "failsafe"): unknown {
  return parseYamlBounded(new TextDecoder().decode(entry.bytes), `${fileName}: ${entry.path}`, schema);
}

/** SemVer as Helm accepts it (Masterminds/semver: optional "v", minor and patch may be omitted). */
const SEMVER = /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

interface Chart {
  chart: Record<string, unknown>;
  /** Chart.yaml read with YAML's failsafe schema: every scalar a string, so `version: 1.10` stays "1.10". */
  text: Record<string, unknown>;
  values: Record<string, unknown>;
}

function readChart(bytes: Uint8Array, fileName: string): Chart {
  if (isArchive(bytes) !== "tar.gz") {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: is not a gzip-compressed tar (.tgz)`, { hint: "Package the chart with `helm package`." });
  }
  const entries = readArchive(bytes, { label: fileName }).entries;
  const charts = entries.filter((e) => CHART_YAML.test(e.path));
  if (charts.length !== 1) {
    const what = charts.length === 0 ? "has no <chart>/Chart.yaml" : `has ${charts.length} top-level Chart.yaml files`;
    throw new CairnError("MATERIAL_INVALID", `${fileName}: ${what}; a chart archive holds one chart directory`);
  }
  const chartEntry = charts[0] as ArchiveEntry;
  const dir = chartEntry.path.slice(0, chartEntry.path.indexOf("/"));
  const valuesEntry = entries.find((e) => e.path === `${dir}/values.yaml`);
  if (valuesEntry === undefined) throw new CairnError("MATERIAL_INVALID", `${fileName}: has no ${dir}/values.yaml`);
  const chart = yamlOf(chartEntry, fileName);
  const text = yamlOf(chartEntry, fileName, "failsafe");
  if (!isMap(chart) || !isMap(text)) throw new CairnError("MATERIAL_INVALID", `${fileName}: ${chartEntry.path} is not a YAML mapping`);
  for (const field of ["apiVersion", "name", "version"]) {
    if (typeof text[field] !== "string" || text[field] === "") {
      throw new CairnError("MATERIAL_INVALID", `${fileName}: ${chartEntry.path} has no ${field}`);
    }
  }
  if (!SEMVER.test(String(text["version"]))) {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: ${chartEntry.path} version "${String(text["version"])}" is not a SemVer version`);
  }
  // An empty (or comment-only) values.yaml is valid for Helm and parses to null.
  const values = yamlOf(valuesEntry, fileName) ?? {};
  if (!isMap(values)) throw new CairnError("MATERIAL_INVALID", `${fileName}: ${valuesEntry.path} is not a YAML mapping`);
  return { chart, text, values };
}

/**
 * A packaged Helm chart (`helm package` output). Detection: gzip whose first decompressed tar
 * headers (within the 64 KiB head) include `<dir>/Chart.yaml`; no file-name rule, since charts
 * are often stored under digests. Policy input: `{ chart: Chart.yaml, values: values.yaml }`.
 */
export const helmKind = {
  kind: "HELM_CHART",
  summary: "Helm chart package (.tgz) with Chart.yaml and values.yaml",
  validates: "A .tgz holding one <chart>/Chart.yaml (YAML mapping with apiVersion, name, version) and <chart>/values.yaml (YAML mapping, may be empty).",
  annotations: [`${ANN}.helm.chart_name`, `${ANN}.helm.chart_version`, `${ANN}.helm.app_version`, `${ANN}.helm.api_version`],
  input: "file",
  autoDetect: true,
  example: "--value mychart-1.2.3.tgz",
  sniff(sample: Sample): boolean {
    const peek = peekArchive(sample.head);
    return peek?.format === "tar.gz" && peek.entries.some((e) => e.type === "file" && CHART_YAML.test(e.path));
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { text } = readChart(bytes, ctx.fileName);
    const annotations: Record<string, string> = {
      [`${ANN}.helm.chart_name`]: String(text["name"]),
      [`${ANN}.helm.chart_version`]: String(text["version"]),
      [`${ANN}.helm.api_version`]: String(text["apiVersion"]),
    };
    if (typeof text["appVersion"] === "string" && text["appVersion"] !== "") annotations[`${ANN}.helm.app_version`] = text["appVersion"];
    return { annotations, warnings: [] };
  },
  project(bytes: Uint8Array): unknown {
    const { chart, values } = readChart(bytes, "helm chart");
    return { chart, values };
  },
} as const satisfies MaterialKind;
