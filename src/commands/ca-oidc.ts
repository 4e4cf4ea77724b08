import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { configFor, outputOption, print, refuseRemote, type OutputFormat } from "./shared.ts";

/** `cairn ca oidc add|list|remove`: the CI OIDC issuers whose ID tokens buy certificates, verified offline. */
export function caOidcCommand(): Command {
  const add = new Command("add")
    .description("trust a CI provider's OIDC ID tokens (GitHub Actions, GitLab CI, …), checked offline against the JWKS file given")
    .requiredOption("--issuer <url>", "the tokens' iss, exactly (e.g. https://token.actions.githubusercontent.com)")
    .requiredOption("--jwks <file>", "the issuer's JWKS document (saved from its jwks_uri; never fetched)")
    .requiredOption("--audience <aud>", "the aud the tokens must carry (sigstore, by convention)")
    .option("--org <name>", "the organization whose audit trail records what these tokens do")
    .addOption(outputOption())
    .action(async (opts: { issuer: string; jwks: string; audience: string; org?: string; output: OutputFormat }, c: Command) => {
      refuseRemote(c, "ca oidc add", "the CA's trusted issuers live in the server's home");
      const config = configFor(c);
      const { addExternalIssuer } = await import("../oidc/issuers.ts");
      const e = await addExternalIssuer(config.home, config.cwd, { issuer: opts.issuer, jwksFile: opts.jwks, audience: opts.audience, org: opts.org }, new Date());
      if (opts.output === "table") io.info(`OIDC issuer ${e.issuer} trusted (${e.jwks.keys.length} key${e.jwks.keys.length === 1 ? "" : "s"}); a running cairn serve picks it up`);
      print(opts.output, summary(e), () => renderTable({ rows: Object.entries(summary(e)).map(([k, v]) => [k, String(v)]) }));
    });
  const list = new Command("list")
    .description("list the trusted CI OIDC issuers")
    .addOption(outputOption())
    .action(async (opts: { output: OutputFormat }, c: Command) => {
      refuseRemote(c, "ca oidc list", "the CA's trusted issuers live in the server's home");
      const { listExternalIssuers } = await import("../oidc/issuers.ts");
      const rows = listExternalIssuers(configFor(c).home).map(summary);
      print(opts.output, rows, () => renderTable({ head: ["Issuer", "Audience", "Organization", "Keys", "Added At"], rows: rows.map((r) => [r.issuer, r.audience, r.org ?? "", String(r.keys), r.addedAt]) }));
    });
  const remove = new Command("remove")
    .description("stop trusting a CI OIDC issuer")
    .requiredOption("--issuer <url>", "the issuer, as listed")
    .action(async (opts: { issuer: string }, c: Command) => {
      refuseRemote(c, "ca oidc remove", "the CA's trusted issuers live in the server's home");
      const { removeExternalIssuer } = await import("../oidc/issuers.ts");
      removeExternalIssuer(configFor(c).home, opts.issuer);
      io.info(`OIDC issuer ${opts.issuer} no longer trusted`);
    });
  return new Command("oidc").description("CI OIDC issuers whose ID tokens the CA accepts").addCommand(add).addCommand(list).addCommand(remove);
}

function summary(e: { issuer: string; audience: string; org?: string; jwks: { keys: unknown[] }; addedAt: string }) {
  return { issuer: e.issuer, audience: e.audience, org: e.org, keys: e.jwks.keys.length, addedAt: e.addedAt };
}
