import { Command, Option } from "commander";
import { display, io } from "../../cli/io.ts";
import { MIN_COLUMN, renderTable } from "../../cli/table.ts";
import { reportWidth } from "../../cli/report-text.ts";
import { renderRunReport } from "../../cli/run-report.ts";
import { CairnError } from "../../errors.ts";
import { POLICY_VERDICTS } from "../../crafter/policy/status.ts";
import { RUN_STATES, type RunSummary } from "../../services/control/runs.ts";
import type { Config } from "../../config.ts";
import { describeSigner } from "../../trust/signer.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import { addPageOptions, collectPairs, outputOption, print, printNext, withControlPlane, type OutputFormat } from "../shared.ts";

interface ListOpts {
  workflow?: string;
  project?: string;
  status?: string;
  policyStatus?: string;
  limit: number;
  next?: string;
  output: OutputFormat;
}

type DescribeFormat = OutputFormat | "statement" | "attestation" | "payload-pae";
interface DescribeOpts {
  id?: string;
  digest?: string;
  output: DescribeFormat;
  verify?: boolean;
  full?: boolean;
  key: string[];
}

/** `cairn workflow run list|describe`: every run in the store, and one run with its attestation. */
export function runCommand(): Command {
  return new Command("run").description("workflow runs: list them, describe one with its attestation").addCommand(listCommand()).addCommand(describeCommand());
}

function listCommand(): Command {
  const cmd = new Command("list")
    .description("runs, newest first (initialized runs older than CAIRN_RUN_TTL are marked expired)")
    .option("--workflow <name>", "only runs of this workflow")
    .option("--project <name>", "only runs of workflows in this project")
    .addOption(new Option("--status <state>", "only runs in this state").choices(RUN_STATES))
    .addOption(new Option("--policy-status <status>", "only attested runs with this policy status").choices(POLICY_VERDICTS))
    .addOption(outputOption());
  return addPageOptions(cmd).action(async (opts: ListOpts, c: Command) => {
    await withControlPlane(c, async (cp) => {
      const page = await cp.runs.list({ workflow: opts.workflow, project: opts.project, status: opts.status, policyStatus: opts.policyStatus, limit: opts.limit, next: opts.next });
      print(opts.output, page, () => runsTable(page.items));
      printNext(opts.output, page.next);
    });
  });
}

const HEAD = ["ID", "WORKFLOW", "PROJECT", "STATE", "POLICY", "CREATED", "FINISHED", "REVISION", "ATTESTATION"];
/** Columns the nine headers need at their narrowest (each at least MIN_COLUMN, plus the borders): 95. */
const HEAD_WIDTH = HEAD.reduce((a, h) => a + Math.max(MIN_COLUMN, h.length) + 3, 1);

/**
 * The runs table. Narrower than its headers (COLUMNS=80), the workflow is named `project/workflow` as elsewhere, and
 * FINISHED and REVISION, which `workflow run describe` shows, go: six columns leave the state and workflow uncut at 80.
 */
function runsTable(items: RunSummary[]): string {
  const narrow = !display.full && display.width !== undefined && display.width < HEAD_WIDTH;
  if (!narrow) {
    return renderTable({
      head: HEAD,
      rows: items.map((r) => [r.id, r.workflow, r.project, r.state, r.policyStatus ?? "", r.createdAt, r.finishedAt ?? "", revision(r), r.attestationDigest ?? ""]),
    });
  }
  return renderTable({
    head: ["ID", "WORKFLOW", "STATE", "POLICY", "CREATED", "ATTESTATION"],
    rows: items.map((r) => [r.id, `${r.project}/${r.workflow}`, r.state, r.policyStatus ?? "", r.createdAt, r.attestationDigest ?? ""]),
  });
}

function describeCommand(): Command {
  return new Command("describe")
    .description("one run and its attestation; print the bundle, statement or DSSE PAE bytes for other tools")
    .option("--id <run id>", "the run's id")
    .option("--digest <sha256:hex>", "the digest of the run's attestation")
    .addOption(
      new Option("-o, --output <format>", "table, json, statement (decoded), attestation (stored bundle), payload-pae (signed bytes)")
        .choices(["table", "json", "statement", "attestation", "payload-pae"])
        .default("table"),
    )
    .option("--verify", "verify the attestation's signature: with --key, or a certificate against the home's trusted roots (exit 1 if it does not verify)")
    .option("-k, --key <ref>", "public key PEM file or env://VAR for --verify (repeatable)", collectPairs, [])
    .option("--full", "the report with full digests and values (lines may be wider than the terminal)")
    .action(async (opts: DescribeOpts, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const keys = opts.verify ? await trustFor(cp.config, opts.key) : undefined;
        const ref = { id: opts.id, digest: opts.digest };
        if (opts.output === "attestation" || opts.output === "payload-pae") {
          const a = await cp.runs.attestation(ref, keys);
          if (a.verification) io.info(`signature verified (${describeSigner(a.verification.signer)})`);
          const { pae } = await import("../../signing/pae.ts");
          process.stdout.write(opts.output === "attestation" ? a.bundle : pae(a.payloadType, a.payload));
          return;
        }
        const d = await cp.runs.describe(ref, keys);
        if (opts.output === "statement") {
          if (!d.attestation) throw new CairnError("NOT_FOUND", `workflow run ${d.run.id} has no attestation (it is ${d.run.state})`);
          if (d.verification) io.info(`signature verified (${describeSigner(d.verification.signer)})`);
          io.json(d.attestation.statement);
          return;
        }
        print(opts.output, d, () => renderRunReport(d, { width: reportWidth(display.width), full: display.full }));
      });
    });
}

/** --verify's trust: the given keys, and the home's trusted roots (public good, home CA, added roots). */
async function trustFor(config: Config, keyRefs: string[]): Promise<TrustPolicy> {
  const keys = await (await import("../../services/keys.ts")).verificationKeys(config, keyRefs);
  const { homeRoots } = await import("../../services/trust-roots.ts");
  return { keys, roots: homeRoots(config.home, { publicGood: true }) };
}

function revision(r: RunSummary): string {
  return `${r.contractRevisionUsed}/${r.contractRevisionLatest}`;
}
