import { caOidcCommand } from "./ca-oidc.ts";
import { Command } from "commander";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { CairnError } from "../errors.ts";
import type { CaSummary } from "../ca/summary.ts";
import { configFor, outputOption, print, refuseRemote, type OutputFormat } from "./shared.ts";

type Out = { output: OutputFormat };
const WHY_LOCAL = "the CA's keys live in the server's home";

/** `cairn ca init|import|show`: the certificate authority (and timestamp authority) of `cairn serve`. */
export function caCommand(): Command {
  const init = new Command("init")
    .description("create the home's CA: a P-384 root, the intermediate that issues signing certificates, and a TSA (keys encrypted with CAIRN_CA_PASSWORD if set)")
    .option("--name <name>", "organization name in the certificates, and the trusted root's cairn://NAME", "cairn")
    .option("--force", "replace an existing CA (certificates it issued stop verifying against the new trusted root)")
    .addOption(outputOption())
    .action(async (opts: Out & { name: string; force?: boolean }, c: Command) => {
      refuseRemote(c, "ca init", WHY_LOCAL);
      const config = configFor(c);
      const password = config.env.CAIRN_CA_PASSWORD || undefined;
      const { initCa } = await import("../ca/init.ts");
      const s = await initCa(config.home, { now: new Date(), name: opts.name, force: opts.force, password });
      await ensureLogKey(config.home, password);
      report(opts.output, s, "created in", password !== undefined);
    });
  const importCmd = new Command("import")
    .description("make the organization's intermediate the issuing CA (key password from CAIRN_CA_KEY_PASSWORD); the TSA gets its own new root")
    .requiredOption("--chain <file>", "PEM: the intermediate first, then its issuers up to the self-signed root")
    .requiredOption("--key <file>", "PEM private key of the intermediate")
    .option("--name <name>", "organization name in the TSA certificates, and the trusted root's cairn://NAME", "cairn")
    .option("--force", "replace an existing CA")
    .addOption(outputOption())
    .action(async (opts: Out & { chain: string; key: string; name: string; force?: boolean }, c: Command) => {
      refuseRemote(c, "ca import", WHY_LOCAL);
      const config = configFor(c);
      const password = config.env.CAIRN_CA_PASSWORD || undefined;
      const { importCa } = await import("../ca/import.ts");
      const s = await importCa(config.home, {
        chainPem: readText(resolve(config.cwd, opts.chain), `--chain ${opts.chain}`),
        keyPem: readText(resolve(config.cwd, opts.key), `--key ${opts.key}`),
        keyPassword: config.env.CAIRN_CA_KEY_PASSWORD || undefined,
        password,
        now: new Date(),
        name: opts.name,
        force: opts.force,
        chainSource: `--chain ${opts.chain}`,
        keySource: `--key ${opts.key}`,
      });
      await ensureLogKey(config.home, password);
      report(opts.output, s, "imported into", password !== undefined);
    });
  const show = new Command("show")
    .description("the certificates of the home's CA and TSA chains: subject, issuer, validity, SHA-256 fingerprint (PEM with -o json)")
    .addOption(outputOption())
    .action(async (opts: Out, c: Command) => {
      refuseRemote(c, "ca show", WHY_LOCAL);
      const { caSummary } = await import("../ca/summary.ts");
      const s = caSummary(configFor(c).home);
      print(opts.output, s, () => certTable(s));
    });
  return new Command("ca")
    .description("the certificate and timestamp authority `cairn serve` issues signing certificates and timestamps with")
    .addCommand(init)
    .addCommand(importCmd)
    .addCommand(show)
    .addCommand(caOidcCommand());
}

/**
 * The transparency log's key comes with the CA (its origin is fixed when `cairn serve` first publishes it), and so
 * does the OIDC issuer's: the home then holds every key replicas must share (docs/scale-out.md).
 */
async function ensureLogKey(home: string, password: string | undefined): Promise<void> {
  const { hasLogKey, initLogKey } = await import("../services/tlog/identity.ts");
  if (!hasLogKey(home)) initLogKey(home, { now: new Date(), password });
  await (await import("../oidc/signing-key.ts")).loadOrCreateOidcKey(home);
}

function report(format: OutputFormat, s: CaSummary, verb: string, encrypted: boolean): void {
  if (format === "table") {
    io.info(`CA ${verb} ${s.dir}`);
    io.info(`root fingerprint (SHA-256): ${s.ca[s.ca.length - 1]!.sha256}`);
    io.info(`intermediate fingerprint (SHA-256): ${s.ca[0]!.sha256}`);
    io.info(`\`cairn serve\` on this home now issues signing certificates; verifiers trust them through ${s.dir}/trusted_root.json (\`cairn trust-root export\`)`);
    if (!encrypted) io.err("WRN the CA's private keys are not encrypted (files of mode 0600); set CAIRN_CA_PASSWORD to encrypt them");
    else io.info("the keys are encrypted: `cairn serve` needs CAIRN_CA_PASSWORD");
  }
  print(format, s, () => certTable(s));
}

function certTable(s: CaSummary): string {
  const rows = [...s.ca.map((c) => ["CA", c] as const), ...s.tsa.map((c) => ["TSA", c] as const)].map(([chain, c]) => [chain, c.role, c.subject, c.issuer, c.notBefore, c.notAfter, c.sha256]);
  return renderTable({ head: ["Chain", "Role", "Subject", "Issuer", "Not Before", "Not After", "SHA-256"], rows });
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new CairnError("NOT_FOUND", `${what} does not exist or cannot be read`);
  }
}
