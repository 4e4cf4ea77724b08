import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { CasBackendView } from "../services/control/cas-backends.ts";
import { print, type OutputFormat } from "./shared.ts";

/** The provider column: plain http is said. */
export const provider = (b: CasBackendView) => (b.insecureHttp ? `${b.provider} (plain http)` : b.provider);

/** Where a backend's credentials come from (never the secrets themselves). */
export function creds(b: CasBackendView): string {
  if (b.provider === "local") return "";
  if (b.s3) return `key in $${b.s3.accessKeyEnv}, secret in $${b.s3.secretKeyEnv}`;
  return b.username ? `${b.username}, password in $${b.passwordEnv}` : "docker config.json";
}

function detailRows(b: CasBackendView): string[][] {
  return [
    ["Name", b.name],
    ["Provider", provider(b)],
    ["Location", b.location],
    ...(b.s3 ? [["Endpoint", `${b.s3.endpoint} (${b.s3.region}, ${b.s3.pathStyle ? "path-style" : "virtual-hosted"})`]] : []),
    ["Credentials", creds(b)],
    ["Default", b.default ? "yes" : "no"],
  ];
}

/** What `cas-backend add oci|s3` prints: whether new evidence now goes there, then the backend. */
export function reportAdded(output: OutputFormat, b: CasBackendView, verb: string): void {
  if (output === "table") {
    io.info(b.default ? `CAS backend ${b.name} added; new evidence is ${verb} ${b.location}` : `CAS backend ${b.name} added; make it the default with \`cairn cas-backend set-default ${b.name}\``);
  }
  print(output, b, () => renderTable({ rows: detailRows(b) }));
}
