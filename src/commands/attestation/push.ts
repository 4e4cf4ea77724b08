import { Command } from "commander";
import { io } from "../../cli/io.ts";
import { CairnError } from "../../errors.ts";
import { renderTable } from "../../cli/table.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import { collectPairs, outputOption, print, toRecord, type OutputFormat } from "../shared.ts";
import { attestationIdOption, withCrafting } from "./remote.ts";
import { chooseSigning, describeSigning, signingMethod } from "./signing.ts";
import { pushSummary } from "../../cli/summary.ts";
import type { PushResult } from "../../services/crafting/push.ts";
import { summaryOption, summaryWriter, withRunUrl } from "./summary.ts";

interface PushOpts {
  key?: string;
  keyless: boolean;
  timestampServer?: string;
  annotation: string[];
  bundle?: string;
  exceptionBypassPolicyCheck: boolean;
  provenance: string;
  provenanceBundle?: string;
  summary?: string;
  output: OutputFormat;
}

export function pushCommand(): Command {
  return new Command("push")
    .description("check the attestation is complete, sign it (DSSE in a Sigstore bundle) and store it")
    .option("-k, --key <ref>", "signing key: cosign key file, PKCS#8 PEM, or env://VAR (env CAIRN_SIGNING_KEY)")
    .option("--keyless", "sign with an ephemeral key certified by the home's CA (`cairn ca init`); the default against a control plane", false)
    .option("--timestamp-server <url>", "RFC 3161 timestamp authority to countersign the signature (default against a control plane: its own)")
    .option("--annotation <key=value>", "attestation annotation (repeatable)", collectPairs, [])
    .option("--bundle <file>", "also write the Sigstore bundle JSON to this file")
    .option("--provenance <format>", "also sign SLSA provenance of the output materials: slsa-v1, or none (docs/slsa.md)", "slsa-v1")
    .option("--provenance-bundle <file>", "also write the SLSA provenance's Sigstore bundle JSON to this file")
    .option("--exception-bypass-policy-check", "a violated policy gate only warns (exit 0) instead of exit 4; the bypass is recorded in the attestation", false)
    .addOption(summaryOption())
    .addOption(attestationIdOption())
    .addOption(outputOption())
    .action(async (opts: PushOpts, cmd: Command) => {
      await withCrafting(cmd, async (c) => {
        if (opts.provenance !== "slsa-v1" && opts.provenance !== "none") {
          throw new CairnError("USAGE", `--provenance ${JSON.stringify(opts.provenance)} is not slsa-v1 or none`);
        }
        if (opts.provenance === "none" && opts.provenanceBundle) throw new CairnError("USAGE", "--provenance-bundle needs provenance: drop --provenance none");
        const choice = chooseSigning({ key: opts.key, keyless: opts.keyless, timestampServer: opts.timestampServer }, c.deps.config);
        const { pushAttestation, pushWith } = await import("../../services/crafting/push.ts");
        const input = {
          loadSigning: (state: CraftingState) => signingMethod(choice, c.deps.config, state.workflow),
          signing: describeSigning(choice),
          annotations: toRecord(opts.annotation, "--annotation"),
          bundlePath: opts.bundle,
          bypassPolicyCheck: opts.exceptionBypassPolicyCheck,
          provenance: { enabled: opts.provenance === "slsa-v1", ...(opts.provenanceBundle && { bundlePath: opts.provenanceBundle }) },
          onPushed: summaryWriter(opts.summary, c.deps, (r: PushResult, state: CraftingState) => pushSummary(r, state)),
        };
        const r = c.mode === "local" ? await pushAttestation(c.deps, input) : await pushWith(c.deps, c.controlPlane.push, input);
        const { statement: _s, ...summary } = r;
        if (opts.output === "table") io.info(r.dryRun ? "dry-run: attestation signed, nothing stored" : "attestation pushed");
        print(opts.output, { ...summary, subjects: r.statement.subject }, () =>
          withRunUrl(r.runUrl, renderTable({
            rows: [
              ["Digest", r.digest],
              ...(r.runId ? [["Workflow Run", r.runId]] : []),
              ...(r.storedAt ? [["Stored At", r.storedAt]] : []),
              ...(r.bundlePath ? [["Bundle", r.bundlePath]] : []),
              ...(r.referrers ?? []).map((x) => ["Referrer", `${x.digest} of ${x.image} (${x.mode})`]),
              ["Signing", r.signing?.identity ? `${r.signing.method}: ${r.signing.identity}` : (r.signing?.method ?? "")],
              ...(r.signing?.logIndex !== undefined ? [["Transparency Log", `entry ${r.signing.logIndex}`]] : []),
              ...(r.provenance ? [["SLSA Provenance", r.provenance.digest], ...(r.provenance.bundlePath ? [["Provenance Bundle", r.provenance.bundlePath]] : [])] : []),
              ["Subjects", r.statement.subject.map((s) => s.name ?? "").join(", ")],
            ],
            keepDigests: true,
          })),
        );
      });
    });
}
