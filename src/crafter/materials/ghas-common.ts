import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonArray, projectJson, result, setTools, str, type Tool } from "./json-doc.ts";
import { firstRecord, hasKeys, isRecord } from "./json-sniff.ts";

/**
 * GitHub Advanced Security alert exports (the REST API's alert lists). The three kinds differ only in
 * the field every alert of that kind carries, which is also what tells them apart.
 */
export interface GhasVariant {
  /** Field present on every alert of this kind. */
  field: "tool" | "secret_type" | "dependency";
  /** Human name, e.g. "code scanning". */
  label: string;
  /** The REST endpoint that produces the list, for the docs. */
  endpoint: string;
}

/** Annotation keys shared by the three GHAS kinds. */
export const GHAS_ANNOTATIONS = [`${ANN}.findings.count`, `${ANN}.findings.open`, `${ANN}.tools`, `${ANN}.tool.name`, `${ANN}.tool.version`] as const;

/** The shared behaviour of a GHAS kind; not auto-detected: alert lists only differ by one field. */
export function ghasBehaviour(v: GhasVariant) {
  return {
    validates:
      `A JSON array of GitHub ${v.label} alerts (${v.endpoint}); every alert is an object with a number and a ` +
      `${v.field}. An empty list is accepted (a clean scan).`,
    annotations: GHAS_ANNOTATIONS,
    input: "file",
    autoDetect: false,
    sniff(sample: Sample): boolean {
      return hasKeys(firstRecord(sample), "number", v.field);
    },
    validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
      const { value: alerts, warnings } = parseJsonArray(bytes, ctx, `a GitHub ${v.label} alert list`);
      alerts.forEach((a, i) => {
        if (!isRecord(a) || a[v.field] === undefined || a[v.field] === null) {
          throw invalid(ctx, `alert ${i} has no ${v.field}: not a GitHub ${v.label} alert`, {
            hint: "code scanning alerts carry tool, secret scanning alerts secret_type, Dependabot alerts dependency",
          });
        }
      });
      const out = result(warnings);
      out.annotations[`${ANN}.findings.count`] = String(alerts.length);
      out.annotations[`${ANN}.findings.open`] = String(alerts.filter((a) => isRecord(a) && a["state"] === "open").length);
      if (v.field === "tool") {
        const tools: Tool[] = alerts.flatMap((a) => {
          const t = isRecord(a) ? a["tool"] : undefined;
          return isRecord(t) && str(t["name"]) ? [{ name: t["name"] as string, version: str(t["version"]) }] : [];
        });
        setTools(out.annotations, tools);
      }
      return out;
    },
    project: projectJson,
  } as const satisfies Omit<MaterialKind, "kind" | "summary" | "example">;
}
