// Homes of an older cairn kept their CI issuers in <home>/oidc/issuers.json. The first use of the issuers (`cairn
// serve` opening its trust services, any `cairn ca oidc` command, `cairn store migrate`) moves them into the store.
import { renameSync } from "node:fs";
import { CairnError } from "../errors.ts";
import { issuerRecord, issuersPath, readLegacyIssuersFile } from "../oidc/issuers.ts";
import type { OidcIssuerRepo } from "../store/oidc-issuer-port.ts";
import type { Reporter } from "./deps.ts";

export interface LegacyImport {
  file: string;
  /** Added to the store. */
  imported: string[];
  /** In the store already: left as the store has it (a warning names those registered otherwise there). */
  kept: string[];
}

/**
 * Adds each issuer of the home's issuers.json that the store lacks (by issuer URL; concurrent imports add each once).
 * One the store has is left as it is there: when its audience, org or JWKS differ, a warning names the file. The file
 * is then renamed issuers.json.imported, so an issuer removed from the store later is not imported again (a rename
 * that fails is an error for that reason). Undefined when the home has no such file.
 */
export async function importLegacyIssuers(deps: { oidcIssuers: OidcIssuerRepo; config: { home: string }; reporter: Reporter }): Promise<LegacyImport | undefined> {
  const file = issuersPath(deps.config.home);
  const issuers = readLegacyIssuersFile(file);
  if (issuers === undefined) return undefined;
  const report: LegacyImport = { file, imported: [], kept: [] };
  for (const entry of issuers) {
    const record = issuerRecord({ ...entry, jwksFile: entry.jwksFile ?? "", addedAt: entry.addedAt ?? "" });
    if (await deps.oidcIssuers.add(record)) {
      report.imported.push(entry.issuer);
      continue;
    }
    report.kept.push(entry.issuer);
    const stored = await deps.oidcIssuers.find(entry.issuer);
    if (stored && (stored.audience !== record.audience || stored.org !== record.org || stored.jwks !== record.jwks)) {
      deps.reporter.warn(`${file}: OIDC issuer ${entry.issuer} is registered in the store with another audience, org or JWKS; the store's registration is kept, the file's is not imported`);
    }
  }
  try {
    renameSync(file, `${file}.imported`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new CairnError("IO", `cannot rename ${file} to ${file}.imported: ${(e as Error).message}`, {
        hint: "its issuers are in the store now; rename or delete the file yourself, else an issuer removed with `cairn ca oidc remove` comes back from it",
        cause: e,
      });
    }
  }
  if (report.imported.length > 0) deps.reporter.warn(`imported ${report.imported.length} OIDC issuer(s) from ${file} into the store (${report.imported.join(", ")}); the file is now ${file}.imported`);
  return report;
}
