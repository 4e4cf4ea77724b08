import { Command, Option } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import type { KeyKind } from "../signing/keys.ts";
import { configFor, outputOption, print, type OutputFormat } from "./shared.ts";

export function keysCommand(): Command {
  return new Command("keys").description("signing keys").addCommand(
    new Command("generate")
      .description("write <prefix>.key (cosign's encrypted format) and <prefix>.pub; password from CAIRN_SIGNING_PASSWORD, COSIGN_PASSWORD or a prompt")
      .addOption(new Option("--kind <kind>", "key type").choices(["ecdsa-p256", "ed25519"]).default("ecdsa-p256"))
      .option("--output-prefix <prefix>", "file name prefix", "cosign")
      .addOption(outputOption())
      .action(async (opts: { kind: KeyKind; outputPrefix: string; output: OutputFormat }, cmd: Command) => {
        const { generateKeys } = await import("../services/keys.ts");
        const r = await generateKeys(configFor(cmd), opts.kind, opts.outputPrefix);
        if (opts.output === "table") io.info("key pair generated");
        print(opts.output, r, () => renderTable({ rows: [["Private Key", r.privateKeyPath], ["Public Key", r.publicKeyPath], ["Kind", r.kind], ["Key ID", r.keyId]] }));
      }),
  );
}
