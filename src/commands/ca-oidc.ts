import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { IssuerView } from "../oidc/issuers.ts";
import { outputOption, print, refuseRemote, withApp, type OutputFormat } from "./shared.ts";

type Out = { output: OutputFormat };
const WHY = "OIDC issuers are registered in the server's store (the home's, or the --database of its replicas)";

/** `cairn ca oidc add|list|remove`: the external CI issuers (GitHub Actions, GitLab CI, …) whose tokens the CA accepts. */
export function caOidcCommand(): Command {
  const add = new Command("add")
    .description("accept identity tokens of a CI issuer, checked against the JWKS given (kept in the store, for every replica of a --database; never fetched)")
    .requiredOption("--issuer <url>", "the issuer exactly as its tokens' iss claim spells it (https)")
    .requiredOption("--jwks <file>", "the issuer's public JWKS (the document its jwks_uri serves)")
    .requiredOption("--audience <aud>", "the aud its tokens must carry for this CA (e.g. sigstore)")
    .option("--org <name>", "the organization whose audit trail records what its identities do (default: the instance admin's)")
    .addOption(outputOption())
    .action(async (opts: Out & { issuer: string; jwks: string; audience: string; org?: string }, c: Command) => {
      refuseRemote(c, "ca oidc add", WHY);
      await withApp(c, async (app) => {
        const [{ addOidcIssuer }, { issuerView }] = await Promise.all([import("../services/oidc-issuers.ts"), import("../oidc/issuers.ts")]);
        const r = issuerView(await addOidcIssuer(app, { issuer: opts.issuer, jwksFile: opts.jwks, audience: opts.audience, org: opts.org }));
        if (opts.output === "table") io.info(`OIDC issuer ${r.issuer} registered`);
        print(opts.output, r, () => renderTable({ rows: detailRows(r) }));
      });
    });
  const list = new Command("list")
    .description("list the registered CI issuers")
    .addOption(outputOption())
    .action(async (opts: Out, c: Command) => {
      refuseRemote(c, "ca oidc list", WHY);
      await withApp(c, async (app) => {
        const [{ listOidcIssuers }, { issuerView }] = await Promise.all([import("../services/oidc-issuers.ts"), import("../oidc/issuers.ts")]);
        const rows = (await listOidcIssuers(app)).map(issuerView);
        print(opts.output, rows, () =>
          renderTable({ head: ["Issuer", "Audience", "Org", "Keys", "Added"], rows: rows.map((r) => [r.issuer, r.audience, r.org ?? "", r.keys.join(", "), r.addedAt]) }),
        );
      });
    });
  const remove = new Command("remove")
    .description("stop accepting a CI issuer's tokens (every replica refuses them within a second)")
    .requiredOption("--issuer <url>", "the registered issuer, as `ca oidc list` shows it")
    .action(async (opts: { issuer: string }, c: Command) => {
      refuseRemote(c, "ca oidc remove", WHY);
      await withApp(c, async (app) => {
        const { removeOidcIssuer } = await import("../services/oidc-issuers.ts");
        await removeOidcIssuer(app, opts.issuer);
        io.info(`OIDC issuer ${opts.issuer} removed`);
      });
    });
  return new Command("oidc")
    .description("external OIDC issuers (CI systems) whose identity tokens the CA exchanges for certificates")
    .addCommand(add)
    .addCommand(list)
    .addCommand(remove);
}

function detailRows(r: IssuerView): string[][] {
  return [
    ["Issuer", r.issuer],
    ["Audience", r.audience],
    ["Org", r.org ?? "(instance admin)"],
    ["Keys", r.keys.join(", ")],
    ["JWKS File", r.jwksFile],
    ["Added", r.addedAt],
  ];
}
