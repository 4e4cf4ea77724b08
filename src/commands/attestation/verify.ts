import { Command } from "commander";
import { renderTable } from "../../cli/table.ts";
import { configFor, collectPairs, outputOption, print, type OutputFormat } from "../shared.ts";
import { CairnError } from "../../errors.ts";

interface VerifyOpts {
  bundle: string;
  key: string[];
  subject: string[];
  artifact: string[];
  predicateType?: string;
  output: OutputFormat;
}

export function verifyCommand(): Command {
  return new Command("verify")
    .description("verify a bundle offline: signature over the DSSE PAE, predicate type, and optionally subjects")
    .requiredOption("-b, --bundle <file>", "Sigstore bundle (or bare DSSE envelope) JSON")
    .requiredOption("-k, --key <ref>", "public key PEM file or env://VAR (repeatable: any of them may have signed)", collectPairs, [])
    .option("--subject <name=sha256:hex>", "require this subject (repeatable)", collectPairs, [])
    .option("--artifact <file>", "require this file's sha256 among the subjects (repeatable)", collectPairs, [])
    .option("--predicate-type <uri>", "expected predicate type (default: cairn's)")
    .addOption(outputOption())
    .action(async (opts: VerifyOpts, cmd: Command) => {
      const config = configFor(cmd);
      const { verificationKeys } = await import("../../services/keys.ts");
      const { verifyAttestation } = await import("../../services/verify.ts");
      const keys = await verificationKeys(config, opts.key);
      const subjects = opts.subject.map((s) => {
        const i = s.indexOf("=");
        if (i <= 0 || !/^sha256:[0-9a-f]{64}$/.test(s.slice(i + 1))) {
          throw new CairnError("USAGE", `--subject ${JSON.stringify(s)} is not NAME=sha256:<hex>`);
        }
        return { name: s.slice(0, i), digest: s.slice(i + 1) };
      });
      const r = await verifyAttestation({ bundlePath: opts.bundle, keys, subjects, artifacts: opts.artifact, predicateType: opts.predicateType, cwd: config.cwd });
      print(opts.output, r, () =>
        renderTable({
          rows: [
            ["Verified", "OK"],
            ["Bundle Digest", r.bundleDigest],
            ["Signed By (key id)", r.keyId],
            ["Predicate Type", r.predicateType],
            ["Subjects", r.subjects.map((s) => s.name ?? "_").join(", ")],
            ...r.checked.map((c) => ["Checked", c]),
          ],
        }),
      );
    });
}
