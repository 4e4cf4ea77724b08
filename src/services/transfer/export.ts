// `cairn export`: the selected runs' attestations, their contracts and every CAS blob they reference, in one tar.
import { resolve } from "node:path";
import { fsckCommand } from "../../store/fsck-advice.ts";
import { CairnError } from "../../errors.ts";
import { entryNames } from "../../crafter/transfer-names.ts";
import type { RunView } from "../../store/run-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkStatement, uploadedDigests, type CheckedStatement } from "../control/ingest-statement.ts";
import { FORMAT, FORMAT_VERSION, type ExportedRun, type Manifest, type ManifestEntry } from "./layout.ts";
import { exportLogProofs, LOG_ENTRY } from "./log-proofs.ts";
import { TarWriter } from "./tar-writer.ts";
import { storedEnvelope } from "../stored-bundle.ts";
import { runProvenance } from "../crafting/record-provenance.ts";
import type { SigningMethod } from "../../signing/sign.ts";
import { signManifest } from "./manifest-signature.ts";

export interface ExportInput {
  /** The tar to write (relative to the working directory). */
  output: string;
  workflow?: string;
  project?: string;
  /** Only runs created at or after this date (ISO 8601). */
  since?: string;
  /** Only the run of this attestation. */
  digest?: string;
  /** Signs manifest.json (manifest.sigstore.json); without it the export is unsigned and import needs --allow-unsigned. */
  sign?: SigningMethod;
}

export interface ExportResult {
  path: string;
  runs: number;
  attestations: number;
  contractRevisions: number;
  blobs: number;
  bytes: number;
  /** Whether manifest.sigstore.json signs the manifest. */
  signed: boolean;
}

const PAGE = 500;

export async function exportEvidence(deps: ServiceDeps, input: ExportInput): Promise<ExportResult> {
  const since = parseSince(input.since);
  const runs = await selectRuns(deps, input, since);
  const org = (await deps.repo.findOrg(deps.config.organization))!;
  // First pass: what each bundle says (contract, uploaded blobs); bundles are re-read when written, not kept.
  const exported: ExportedRun[] = [];
  const contracts = new Map<string, number>();
  const blobs = new Set<string>();
  for (const run of runs) {
    const checked = statementOf(run.attestationDigest!, await deps.blobs.read(run.attestationDigest!));
    const m = checked.metadata;
    contracts.set(m.contractName, Math.max(contracts.get(m.contractName) ?? 0, m.contractRevision));
    for (const d of uploadedDigests(checked.materials)) blobs.add(d);
    exported.push(await toExported(deps, run, checked));
  }
  const path = resolve(deps.config.cwd, input.output);
  const tar = await TarWriter.create(path);
  const entries: ManifestEntry[] = [];
  let contractRevisions = 0;
  try {
    entries.push(await tar.addBytes("runs.json", json(exported)));
    for (const [name, upTo] of [...contracts].sort()) {
      const c = await deps.repo.findContractByName(org.id, name);
      for (let n = 1; n <= upTo; n++) {
        const rev = c && await deps.repo.getRevision(c.id, n);
        if (!rev) throw new CairnError("NOT_FOUND", `contract ${name} revision ${n} is not in organization ${org.name} (a selected run used revision ${upTo})`, { hint: "a deleted contract cannot be exported; narrow the selection" });
        entries.push(await tar.addBytes(entryNames.contract(name, n, rev.bodyFormat), new TextEncoder().encode(rev.body)));
        contractRevisions++;
      }
    }
    const bundles: { digest: string; bytes: Uint8Array }[] = [];
    for (const run of exported) {
      // The attestation, then the SLSA provenance stored beside it: both bundles byte for byte.
      for (const digest of [run.attestation.digest, ...(run.provenance ? [run.provenance.digest] : [])]) {
        const bytes = await deps.blobs.read(digest);
        bundles.push({ digest, bytes });
        entries.push(await tar.addBytes(entryNames.attestation(digest), bytes));
      }
    }
    for (const digest of [...blobs].sort()) entries.push(await addBlob(deps, tar, digest));
    const log = await exportLogProofs(deps, bundles);
    if (log) entries.push(await tar.addBytes(LOG_ENTRY, log));
    const manifest: Manifest = { format: FORMAT, version: FORMAT_VERSION, createdAt: deps.clock.now().toISOString(), organization: org.name, entries };
    const manifestBytes = json(manifest);
    if (input.sign) await tar.addBytes(entryNames.manifestSignature, await signManifest(manifestBytes, manifest, input.sign));
    await tar.addBytes("manifest.json", manifestBytes);
    await tar.finish();
  } catch (e) {
    await tar.abort();
    throw e;
  }
  const bytes = entries.reduce((n, e) => n + e.size, 0);
  const attestations = exported.reduce((n, r) => n + (r.provenance ? 2 : 1), 0);
  return { path, runs: exported.length, attestations, contractRevisions, blobs: blobs.size, bytes, signed: input.sign !== undefined };
}

/** Streams a blob from the CAS into the tar; a blob that does not hash to its digest aborts the export. */
async function addBlob(deps: ServiceDeps, tar: TarWriter, digest: string): Promise<ManifestEntry> {
  const stream = await deps.blobs.openRead(digest).catch((e: unknown) => {
    throw new CairnError("NOT_FOUND", `blob ${digest}, marked as uploaded by a selected attestation, is not in the CAS`, { hint: `run ${fsckCommand(deps.blobs, { deep: false })}`, cause: e });
  });
  const entry = await tar.addStream(entryNames.blob(digest), stream.size, stream.chunks);
  if (entry.digest !== digest) {
    throw new CairnError("INTEGRITY", `blob ${digest} is corrupt: its content hashes to ${entry.digest}; nothing was exported`, { hint: `run ${fsckCommand(deps.blobs)} to find every damaged blob` });
  }
  return entry;
}

function parseSince(since: string | undefined): string | undefined {
  if (since === undefined) return undefined;
  const d = new Date(since);
  if (Number.isNaN(d.getTime())) throw new CairnError("USAGE", `--since ${JSON.stringify(since)} is not a date`, { hint: "write e.g. --since 2026-01-31 or an RFC 3339 time" });
  return d.toISOString();
}

/** Runs with an attestation, oldest first, matching every filter given. */
async function selectRuns(deps: ServiceDeps, input: ExportInput, since: string | undefined): Promise<RunView[]> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const keep = (r: RunView) =>
    r.attestationDigest !== null &&
    (input.workflow === undefined || r.workflow === input.workflow) &&
    (input.project === undefined || r.project === input.project) &&
    (since === undefined || r.createdAt >= since);
  let runs: RunView[] = [];
  if (org && input.digest !== undefined) runs = (await deps.runs.byAttestation(org.id, [input.digest])).filter(keep);
  else if (org) runs = (await listAll(deps, org.id, input)).filter(keep);
  if (runs.length === 0) {
    throw new CairnError("NOT_FOUND", `no attested run in organization ${deps.config.organization} matches --workflow/--project/--since/--digest`, {
      hint: "list runs with `cairn workflow run list`; only runs with a pushed attestation are exported",
    });
  }
  return runs.reverse();
}

async function listAll(deps: ServiceDeps, orgId: string, input: ExportInput): Promise<RunView[]> {
  const out: RunView[] = [];
  let after: { createdAt: string; id: string } | undefined;
  for (;;) {
    const page = await deps.runs.list({ orgId, workflow: input.workflow, project: input.project, limit: PAGE, after });
    out.push(...page);
    if (page.length < PAGE) return out;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

/** The statement inside a stored bundle (already verified when it was stored). */
function statementOf(digest: string, bytes: Uint8Array): CheckedStatement {
  const env = storedEnvelope(bytes, digest);
  return checkStatement(env.payloadType, env.payload);
}

async function toExported(deps: ServiceDeps, run: RunView, checked: CheckedStatement): Promise<ExportedRun> {
  const att = (await deps.repo.findAttestation(run.attestationDigest!))!;
  const wf = await deps.workflows.getWorkflow(run.orgId, run.project, run.workflow);
  const provenance = await runProvenance(deps, run.id);
  return {
    id: run.id,
    workflow: run.workflow,
    project: run.project,
    // The team the signed statement names (import refuses any other): the workflow's team when the run was crafted.
    team: checked.metadata.team ?? null,
    description: wf?.description ?? null,
    contract: checked.metadata.contractName,
    contractRevisionUsed: checked.metadata.contractRevision,
    contractRevisionLatest: run.contractRevisionLatest,
    state: run.state,
    reason: run.reason,
    pushedBy: run.pushedBy,
    runnerType: run.runnerType,
    runnerUrl: run.runnerUrl,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    attestation: { digest: att.digest, predicateType: att.predicateType, createdAt: att.createdAt },
    ...(provenance && { provenance: { digest: provenance.digest, createdAt: provenance.createdAt } }),
  };
}

const json = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
