import { Command } from "commander";
import { renderTable } from "../cli/table.ts";
import type { DiscoverNode, DiscoverResult } from "../services/control/discover.ts";
import { addPageOptions, outputOption, print, printNext, withControlPlane, type OutputFormat } from "./shared.ts";

interface DiscoverOpts {
  kind?: string;
  limit: number;
  next?: string;
  output: OutputFormat;
}

/** `cairn discover DIGEST`: the referrer graph around any attestation, material, subject or git commit. */
export function discoverCommand(): Command {
  const cmd = new Command("discover")
    .description("what an attestation references, and every attestation that references a material, subject or git commit")
    .argument("<digest>", "sha256:<hex> of an attestation or artifact, or sha1:<hex> of a git commit")
    .option("--kind <kind>", "which node when the digest is recorded as several kinds (e.g. ARTIFACT, ATTESTATION)")
    .addOption(outputOption());
  return addPageOptions(cmd).action(async (digest: string, opts: DiscoverOpts, c: Command) => {
    await withControlPlane(c, async (cp) => {
      const r = await cp.runs.discover({ digest, kind: opts.kind, limit: opts.limit, next: opts.next });
      print(opts.output, r, () => discoverTable(r));
      printNext(opts.output, r.next);
    });
  });
}

/** Metadata the Run row already shows. */
const SHOWN_WITH_RUN = new Set(["workflow", "project", "runId"]);

function discoverTable(r: DiscoverResult): string {
  const node = renderTable({
    title: r.kind === "ATTESTATION" ? "Attestation" : "Referrer",
    rows: [
      ["Digest", r.digest],
      ["Kind", r.kind],
      ["Stored", r.downloadable ? "yes (cairn artifact download)" : "no (recorded by digest)"],
      ...(r.run ? [["Run", runText(r)]] : []),
      ...Object.entries(r.metadata)
        .filter(([k]) => !(r.run && SHOWN_WITH_RUN.has(k)))
        .map(([k, v]) => [k, v]),
    ],
  });
  const list = (title: string, nodes: DiscoverNode[]) =>
    renderTable({ title, head: ["KIND", "DIGEST", "DETAIL"], rows: nodes.map((n) => [n.kind, n.digest, detail(n)]) });
  const parts = [node];
  if (r.references.length > 0) parts.push(list("References", r.references));
  if (r.referredBy.length > 0) parts.push(list("Referred by", r.referredBy));
  return parts.join("\n");
}

/** "skynet/build run R (blocked)", "… (succeeded, policy violations)": the policy status unless none or the state says it. */
function runText(n: DiscoverNode): string {
  if (!n.run) return "";
  const p = n.run.policyStatus;
  const policy = p && p !== "none" && p !== n.run.state ? `, policy ${p}` : "";
  return `${n.run.project}/${n.run.workflow} run ${n.run.id} (${n.run.state}${policy})`;
}

function detail(n: DiscoverNode): string {
  if (n.run) return runText(n);
  const m = n.metadata;
  return [m.material, m.name].filter((x) => x).join(": ");
}
