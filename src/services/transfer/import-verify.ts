// Import's checks, all done before anything is stored: manifest ↔ entries, runs ↔ signed statements, signatures,
// referenced blobs, contract revisions and run ids against what the store already holds.
import { CairnError, isCairnError } from "../../errors.ts";
import { parseContractText, type LoadedContract } from "../contracts.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import { verifyBundle, type Signer } from "../../trust/verifier.ts";
import { describeSigner } from "../../trust/signer.ts";
import type { VerifiedCheckpoint } from "../tlog/verify-log.ts";
import { checkAgainstReceived, LOG_ENTRY, verifyLogProofs } from "./log-proofs.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkStatement, uploadedDigests, type CheckedStatement } from "../control/ingest-statement.ts";
import { attestedRunState } from "../../crafter/policy/status.ts";
import { checkManifest, checkRuns, parseJsonEntry, type ExportedRun } from "./layout.ts";
import { refuse, type ReadEntry, type ReadTar } from "./tar-reader.ts";
import type { Statement } from "../../crafter/statement.ts";
import { SLSA_PROVENANCE_V1 } from "../../slsa/provenance.ts";
import { checkProvenance } from "../../slsa/provenance-schema.ts";
import { companionMismatch } from "../../slsa/companion.ts";
import { runProvenance } from "../crafting/record-provenance.ts";
import { entryNames } from "../../crafter/transfer-names.ts";
import { checkRunContract, checkRunFields } from "./import-bind.ts";
import { verifyManifestSignature } from "./manifest-signature.ts";

export interface VerifiedRun {
  run: ExportedRun;
  bundle: Uint8Array;
  checked: CheckedStatement;
  /** The SLSA provenance carried beside the attestation, verified to accompany it. */
  provenance?: { bundle: Uint8Array; statement: Statement };
  /** False when a run with this id (and this attestation) is already stored. */
  isNew: boolean;
}

export interface VerifiedImport {
  runs: VerifiedRun[];
  /** Per contract, its revisions in order 1..n, as carried in the tar. */
  contracts: Map<string, { revision: number; loaded: LoadedContract; entry: string }[]>;
  /** Staged blob files by digest. */
  blobs: Map<string, string>;
  /** The exporting log's checkpoint, every carried proof verified against it (log.json). */
  logCheckpoint?: VerifiedCheckpoint;
  /** Who signed manifest.json; absent for an unsigned export (imported only with allowUnsigned). */
  manifestSigner?: Signer;
  /** Runs whose statement predates contractDigest: their contract body is bound by nothing but the manifest. */
  contractUnbound: number;
}

export interface VerifyOptions {
  /** Import an export whose manifest is not signed (`--allow-unsigned`): runs.json's unsigned fields are then bound to nothing. */
  allowUnsigned?: boolean;
}

export async function verifyImport(deps: ServiceDeps, read: ReadTar, trust: TrustPolicy, opts: VerifyOptions = {}): Promise<VerifiedImport> {
  const byName = new Map(read.entries.map((e) => [e.name, e]));
  const manifestSigner = checkAgainstManifest(read.entries, trust, opts);
  const runsEntry = byName.get("runs.json") ?? refuse("runs.json", "is missing");
  const runs = checkRuns(parseJsonEntry("runs.json", runsEntry.bytes!));
  const blobs = new Map(read.entries.filter((e) => e.kind.kind === "blob").map((e) => [e.digest, e.staged!]));
  const verified: VerifiedRun[] = [];
  for (const [i, run] of runs.entries()) verified.push(await verifyRun(deps, run, i, byName, trust));
  checkNoStrays(read.entries, verified);
  await checkBlobs(deps, verified, blobs);
  const logEntry = byName.get(LOG_ENTRY);
  const bundles = new Map(read.entries.filter((e) => e.kind.kind === "attestation").map((e) => [e.digest, e.bytes!]));
  const logCheckpoint = logEntry ? verifyLogProofs(logEntry.bytes!, bundles, trust.roots) : undefined;
  if (logCheckpoint) checkAgainstReceived(deps.config.home, logCheckpoint);
  const contracts = await checkContracts(deps, read.entries, runs);
  const contractUnbound = await checkRunContracts(deps, verified, contracts);
  return { runs: verified, contracts, blobs, contractUnbound, ...(logCheckpoint && { logCheckpoint }), ...(manifestSigner && { manifestSigner }) };
}

/**
 * The manifest's signature (the entry just before it) verifies under `trust` and signs these manifest bytes, or there
 * is none and `allowUnsigned` says so; every other entry is listed with its digest and size, and the manifest lists
 * nothing else. Returns the manifest's signer.
 */
function checkAgainstManifest(entries: ReadEntry[], trust: TrustPolicy, opts: VerifyOptions): Signer | undefined {
  const manifestEntry = entries.at(-1)!;
  const manifest = checkManifest(parseJsonEntry("manifest.json", manifestEntry.bytes!));
  const sigAt = entries.findIndex((e) => e.kind.kind === "manifest-signature");
  if (sigAt !== -1 && sigAt !== entries.length - 2) refuse(entryNames.manifestSignature, "must come just before manifest.json");
  const signer = sigAt === -1 ? undefined : verifyManifestSignature(entries[sigAt]!.bytes!, manifestEntry.bytes!, trust);
  if (!signer && !opts.allowUnsigned) {
    throw new CairnError("VERIFY_FAILED", "manifest.json is not signed (the export has no manifest.sigstore.json): runs.json and the contract revisions could have been rewritten after export; nothing was imported", {
      hint: "export again with `cairn export --key cosign.key` (or --keyless), or accept the unsigned file with `cairn import --allow-unsigned`",
      details: { entry: "manifest.json" },
    });
  }
  const listed = new Map<string, { digest: string; size: number }>();
  for (const e of manifest.entries) {
    if (listed.has(e.name)) refuse("manifest.json", `lists ${e.name} twice`);
    listed.set(e.name, e);
  }
  for (const e of entries.slice(0, sigAt === -1 ? -1 : -2)) {
    const m = listed.get(e.name) ?? refuse(e.name, "is not listed in manifest.json");
    if (m.digest !== e.digest || m.size !== e.size) refuse(e.name, `is ${e.size} bytes with ${e.digest}, but manifest.json says ${m.size} bytes with ${m.digest}`);
    listed.delete(e.name);
  }
  for (const name of listed.keys()) refuse(name, "is listed in manifest.json but missing from the tar");
  return signer;
}

async function verifyRun(deps: ServiceDeps, run: ExportedRun, i: number, byName: Map<string, ReadEntry>, trust: TrustPolicy): Promise<VerifiedRun> {
  const name = `attestations/${run.attestation.digest.slice(7)}.json`;
  const entry = byName.get(name) ?? refuse(name, `is missing (runs.json [${i}] run ${run.id} names it)`);
  // Refusals stay outside `prefixed`, which would name the entry a second time.
  const v = prefixed(name, () => verifyBundle(entry.bytes!, trust));
  if (v.kind !== "dsse") refuse(name, "holds a message signature, not a DSSE attestation");
  const checked = prefixed(name, () => checkStatement(v.payloadType!, v.payload!));
  const m = checked.metadata;
  const expected: [string, unknown, unknown][] = [
    ["workflowRunID", m.workflowRunID, run.id],
    ["workflowName", m.workflowName, run.workflow],
    ["project", m.project, run.project],
    ["contractName", m.contractName, run.contract],
    ["contractRevision", m.contractRevision, run.contractRevisionUsed],
    ["dryRun", m.dryRun, false],
    ["predicateType", checked.statement.predicateType, run.attestation.predicateType],
  ];
  for (const [field, got, want] of expected) {
    if (got !== want) refuse(name, `the signed ${field} is ${JSON.stringify(got)}, but runs.json [${i}] says ${JSON.stringify(want)}`);
  }
  checkRunFields(run, i, name, checked);
  // The stored state comes from the signed predicate (import-store.ts). runs.json may say succeeded for a blocked run
  // (exports written before the blocked state existed), but a blocked run whose statement is not blocked is forged.
  if (run.state === "blocked" && attestedRunState(checked.statement) !== "blocked") {
    refuse(name, `the signed predicate.policyBlocked is not true, but runs.json [${i}] says the run is blocked`);
  }
  const existing = await deps.repo.getRun(run.id);
  const org = await deps.repo.findOrg(deps.config.organization);
  if (existing && (existing.attestationDigest !== run.attestation.digest || existing.orgId !== org?.id)) {
    throw new CairnError("ALREADY_EXISTS", `runs.json [${i}]: workflow run ${run.id} already exists here with ${existing.attestationDigest ? `attestation ${existing.attestationDigest}` : `state ${existing.state}`}; nothing was imported`, {
      hint: "run ids are kept on import; this store already used the id for another run",
    });
  }
  if (!existing) await checkWorkflowContract(deps, run, i);
  const held = existing && run.provenance ? await runProvenance(deps, run.id) : undefined;
  if (held && held.digest !== run.provenance!.digest) {
    throw new CairnError("ALREADY_EXISTS", `runs.json [${i}]: workflow run ${run.id} already has SLSA provenance ${held.digest} here, not ${run.provenance!.digest}; nothing was imported`, {
      hint: "a run takes one provenance; the two stores diverged",
    });
  }
  const provenance = run.provenance && verifyProvenance(run, i, byName, trust, checked, v.signer);
  return { run, bundle: entry.bytes!, checked, isNew: !existing, ...(provenance && { provenance }) };
}

/**
 * The provenance a run carries: verified under the same trust as its attestation and signed by the same signer (any
 * trusted key is not enough), valid SLSA v1, naming the run's attestation as its byproduct, for subjects of that
 * attestation.
 */
function verifyProvenance(run: ExportedRun, i: number, byName: Map<string, ReadEntry>, trust: TrustPolicy, checked: CheckedStatement, signer: Signer): { bundle: Uint8Array; statement: Statement } {
  const digest = run.provenance!.digest;
  const name = `attestations/${digest.slice(7)}.json`;
  const entry = byName.get(name) ?? refuse(name, `is missing (runs.json [${i}] run ${run.id} names it as its provenance)`);
  const v = prefixed(name, () => verifyBundle(entry.bytes!, trust));
  if (v.kind !== "dsse" || v.payloadType !== "application/vnd.in-toto+json") refuse(name, "is not a DSSE in-toto attestation");
  if (describeSigner(v.signer) !== describeSigner(signer)) refuse(name, `signed by ${describeSigner(v.signer)}, but attestation ${run.attestation.digest} by ${describeSigner(signer)}: sign both the same way`);
  const statement = v.statement as Statement;
  if (statement?.predicateType !== SLSA_PROVENANCE_V1) refuse(name, `predicate type is ${JSON.stringify(statement?.predicateType)}, not SLSA provenance`);
  const problems = checkProvenance(statement);
  if (problems.length > 0) refuse(name, `is not valid SLSA provenance: ${problems.slice(0, 3).join("; ")}`);
  const mismatch = companionMismatch(statement, run.attestation.digest, checked.statement);
  if (mismatch) refuse(name, mismatch);
  return { bundle: entry.bytes!, statement };
}

/** A workflow that already exists here must use the contract the run used (its runs are listed under it). */
async function checkWorkflowContract(deps: ServiceDeps, run: ExportedRun, i: number): Promise<void> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const wf = org && await deps.repo.findWorkflow(org.id, run.project, run.workflow);
  if (wf && wf.contractName !== run.contract) {
    throw new CairnError("ALREADY_EXISTS", `runs.json [${i}]: workflow ${run.workflow} of project ${run.project} uses contract ${wf.contractName} here, but run ${run.id} used contract ${run.contract}; nothing was imported`, {
      hint: "point the workflow at the same contract in both stores (`cairn workflow update --contract`), then import again",
    });
  }
}

/** Signature and statement failures name the entry. */
function prefixed<T>(entry: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isCairnError(e, "VERIFY_FAILED")) refuse(entry, e.message);
    throw e;
  }
}

/** An attestation or blob no run needs is refused: the tar holds exactly the selection. */
function checkNoStrays(entries: ReadEntry[], runs: VerifiedRun[]): void {
  const bundles = new Set(runs.flatMap((r) => [r.run.attestation.digest, ...(r.run.provenance ? [r.run.provenance.digest] : [])]));
  const referenced = new Set(runs.flatMap((r) => uploadedDigests(r.checked.materials)));
  if (bundles.size !== runs.reduce((n, r) => n + (r.run.provenance ? 2 : 1), 0)) refuse("runs.json", "names one attestation for two runs");
  for (const e of entries) {
    if (e.kind.kind === "attestation" && !bundles.has(e.digest)) refuse(e.name, "belongs to no run in runs.json");
    if (e.kind.kind === "blob" && !referenced.has(e.digest)) refuse(e.name, "is referenced by no attestation in the tar");
  }
}

/**
 * A blob the tar leaves out must already be this organization's (a CAS mapping) and present: bytes that are merely in
 * the CAS, perhaps another organization's, are not the tar's to claim.
 */
async function checkBlobs(deps: ServiceDeps, runs: VerifiedRun[], staged: Map<string, string>): Promise<void> {
  const orgId = (await deps.repo.findOrg(deps.config.organization))?.id;
  for (const r of runs) {
    for (const d of uploadedDigests(r.checked.materials)) {
      if (staged.has(d) || (orgId !== undefined && await deps.casMappings.holds(orgId, d) && (await deps.blobs.has(d)))) continue;
      refuse(`blobs/sha256/${d.slice(7)}`, `is missing: attestation ${r.run.attestation.digest} marks it as uploaded and organization ${deps.config.organization} does not hold it either`);
    }
  }
}

/** Each run's contract revision against its signed contractDigest (import-bind.ts); returns how many are not bound. */
async function checkRunContracts(deps: ServiceDeps, runs: VerifiedRun[], carried: VerifiedImport["contracts"]): Promise<number> {
  const org = await deps.repo.findOrg(deps.config.organization);
  let unbound = 0;
  for (const [i, { run, checked }] of runs.entries()) {
    const c = org && await deps.repo.findContractByName(org.id, run.contract);
    const list = carried.get(run.contract) ?? [];
    const have = c ? ((await deps.repo.latestRevision(c.id))?.revision ?? 0) : 0;
    const tar = list.find((r) => r.revision === run.contractRevisionUsed);
    const stored = c && await deps.repo.getRevision(c.id, run.contractRevisionUsed);
    const bodies = { ...(tar && { carried: { entry: tar.entry, body: tar.loaded.body } }), ...(stored && { stored: stored.body }) };
    if (!checkRunContract(run, i, checked, bodies, Math.max(list.length, have), deps.reporter)) unbound++;
  }
  return unbound;
}

/**
 * The tar carries revisions 1..n of each contract; a revision this store already has must have the same content,
 * and each run's revision must exist after import.
 */
async function checkContracts(deps: ServiceDeps, entries: ReadEntry[], runs: ExportedRun[]): Promise<VerifiedImport["contracts"]> {
  const out: VerifiedImport["contracts"] = new Map();
  for (const e of entries) {
    if (e.kind.kind !== "contract") continue;
    const loaded = parseContractText(new TextDecoder().decode(e.bytes!), e.name);
    const list = out.get(e.kind.contract!) ?? [];
    list.push({ revision: e.kind.revision!, loaded, entry: e.name });
    out.set(e.kind.contract!, list);
  }
  const org = await deps.repo.findOrg(deps.config.organization);
  for (const [name, list] of out) {
    list.sort((a, b) => a.revision - b.revision);
    list.forEach((r, i) => r.revision !== i + 1 && refuse(r.entry, `revisions of contract ${name} must run 1..n without gaps`));
    const c = org && await deps.repo.findContractByName(org.id, name);
    for (const r of list) {
      const have = c && await deps.repo.getRevision(c.id, r.revision);
      if (have && have.digest !== r.loaded.digest) {
        throw new CairnError("ALREADY_EXISTS", `${r.entry}: contract ${name} revision ${r.revision} already exists here with different content; nothing was imported`, {
          hint: "the two stores' contracts diverged; rename the contract in one of them before transferring",
        });
      }
    }
  }
  for (const run of runs) {
    const carried = out.get(run.contract)?.length ?? 0;
    const c = org && await deps.repo.findContractByName(org.id, run.contract);
    const have = c ? ((await deps.repo.latestRevision(c.id))?.revision ?? 0) : 0;
    if (Math.max(carried, have) < run.contractRevisionUsed) refuse(`contracts/${run.contract}/${run.contractRevisionUsed}.yaml`, `is missing (run ${run.id} used it)`);
  }
  return out;
}
