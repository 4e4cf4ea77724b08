// The external CI issuers whose identity tokens the CA of `cairn serve` accepts (`cairn ca oidc add|list|remove`),
// in the store: every replica of one database accepts the same ones, whichever machine registered them. Each call
// first imports the home's legacy issuers.json, if it still has one (oidc-issuers-import.ts).
import { CairnError } from "../errors.ts";
import { checkIssuerInput, issuerRecord, fromIssuerRecord, type AddIssuerInput, type ExternalIssuer } from "../oidc/issuers.ts";
import type { ServiceDeps } from "./deps.ts";
import { importLegacyIssuers } from "./oidc-issuers-import.ts";

export type IssuerDeps = Pick<ServiceDeps, "oidcIssuers" | "config" | "clock" | "reporter">;

/** `cairn ca oidc add`: checks the URL, audience, org and the JWKS file, then records the issuer. */
export async function addOidcIssuer(deps: IssuerDeps, input: AddIssuerInput): Promise<ExternalIssuer> {
  await importLegacyIssuers(deps);
  const entry: ExternalIssuer = { ...(await checkIssuerInput(deps.config.cwd, input)), addedAt: deps.clock.now().toISOString() };
  if (!(await deps.oidcIssuers.add(issuerRecord(entry)))) {
    throw new CairnError("ALREADY_EXISTS", `OIDC issuer ${entry.issuer} is already registered`, {
      hint: `to replace its keys or audience, run \`cairn ca oidc remove --issuer ${entry.issuer}\` first`,
    });
  }
  return entry;
}

export async function listOidcIssuers(deps: IssuerDeps): Promise<ExternalIssuer[]> {
  await importLegacyIssuers(deps);
  return (await deps.oidcIssuers.list()).map(fromIssuerRecord);
}

/** `cairn ca oidc remove`: NOT_FOUND unless registered exactly so (naming the registration that differs only by a trailing slash). */
export async function removeOidcIssuer(deps: IssuerDeps, issuer: string): Promise<ExternalIssuer> {
  await importLegacyIssuers(deps);
  const found = await deps.oidcIssuers.find(issuer);
  if (!found || !(await deps.oidcIssuers.remove(issuer))) {
    const bare = (s: string) => s.replace(/\/+$/, "");
    const near = (await deps.oidcIssuers.list()).find((r) => bare(r.issuer) === bare(issuer));
    throw new CairnError("NOT_FOUND", `OIDC issuer ${issuer} is not registered`, {
      hint: near ? `did you mean ${near.issuer}? issuers are compared byte for byte, trailing slash included` : "list them with `cairn ca oidc list`",
    });
  }
  return fromIssuerRecord(found);
}
