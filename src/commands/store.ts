import { Command } from "commander";
import { cliReporter, io } from "../cli/io.ts";
import { CairnError } from "../errors.ts";
import { renderTable } from "../cli/table.ts";
import type { FsckProblem, FsckReport } from "../services/control/fsck.ts";
import type { GcReport } from "../services/control/gc.ts";
import { resolve } from "node:path";
import { collectPairs, configFor, outputOption, print, refuseRemote, withApp, type OutputFormat } from "./shared.ts";

const LIST_MAX = 20;

/** `cairn store fsck|gc`: maintenance of the local store (SQLite + CAS). */
export function storeCommand(): Command {
  const fsck = new Command("fsck")
    .description(
      "re-hash every blob, find missing and orphaned blobs, verify every stored bundle's signature with the organization's registered keys and the home's trust roots, check the database (PRAGMA integrity_check) and every attested run against its signed statement (exit 1 on any problem)",
    )
    .option("-k, --key <ref>", "an extra public key bundles may verify with, besides the registered keys (repeatable)", collectPairs, [])
    .option("--remote", "with OCI CAS backends: check every blob they hold is really there (HEAD), not only its tag", false)
    .option("--deep", "with --remote: download every blob the backends hold and re-hash it", false)
    .addOption(outputOption())
    .action(async (opts: { key: string[]; remote: boolean; deep: boolean; output: OutputFormat }, c: Command) => {
      refuseRemote(c, "store fsck", "it reads the store's files, which only the server's machine has");
      if (opts.deep && !opts.remote) throw new CairnError("USAGE", "--deep re-hashes the blobs CAS backends hold: it needs --remote", { hint: "run `cairn store fsck --remote --deep`" });
      await withApp(c, async (app) => {
        const { fsckStore } = await import("../services/control/fsck.ts");
        const keys = opts.key.length > 0 ? await (await import("../services/keys.ts")).verificationKeys(app.config, opts.key) : [];
        const r = await fsckStore(app, { keys, remote: opts.remote, deep: opts.deep });
        print(opts.output, r, () => renderFsck(r));
        if (!r.ok) {
          if (opts.output === "table") io.err(`ERR store has ${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}`);
          process.exitCode = 1;
        }
      });
    });
  const gc = new Command("gc")
    .description("remove unreferenced blobs (and cas/tmp leftovers) older than the grace period")
    .option("--grace <duration>", "only remove what is at least this old (protects in-progress crafting runs)", "24h")
    .option("--dry-run", "report what would be removed, remove nothing", false)
    .addOption(outputOption())
    .action(async (opts: { grace: string; dryRun: boolean; output: OutputFormat }, c: Command) => {
      refuseRemote(c, "store gc", "it removes files of the store, which only the server's machine has");
      await withApp(c, async (app) => {
        const { gcStore } = await import("../services/control/gc.ts");
        const r = await gcStore(app, { grace: opts.grace, dryRun: opts.dryRun });
        print(opts.output, r, () => renderGc(r));
      });
    });
  const migrate = new Command("migrate")
    .description(
      "copy a home's SQLite store, every row, into an empty PostgreSQL database for `cairn serve --database` (one transaction; row counts and stored digests are compared after). Without --blobs the CAS blobs stay where they are: the home's own blobs need a shared CAS backend before replicas can serve them",
    )
    .requiredOption("--to <url>", "postgres://… of an empty database (cairn applies its schema)")
    .option("--from <home>", "the home to copy (default: --home, CAIRN_HOME)")
    .option("--blobs", "first copy every referenced blob in the home's disk CAS to the home's default CAS backend (add the shared OCI or S3 backend with `cas-backend add … --default` before), re-hashed; already there: skipped", false)
    .addOption(outputOption())
    .action(async (opts: { to: string; from?: string; blobs: boolean; output: OutputFormat }, c: Command) => {
      refuseRemote(c, "store migrate", "it reads the store's files, which only the server's machine has");
      const { migrateStore } = await import("../services/control/store-migrate.ts");
      const from = resolve(opts.from ?? configFor(c).home);
      const { database: _target, ...config } = configFor(c); // the source is the home's own SQLite store
      const r = await migrateStore({ from, to: opts.to, blobs: opts.blobs, home: { ...config, home: from }, reporter: cliReporter(config.interactive) });
      print(opts.output, r, () =>
        renderTable({
          title: `Copied ${r.from} into ${r.to}`,
          head: ["Table", "Rows"],
          rows: [
            ...(r.blobs ? [["(blobs copied to " + r.blobs.backend + ")", `${r.blobs.copied} (${r.blobs.bytes} bytes); already there ${r.blobs.already}; not in the disk CAS ${r.blobs.notLocal}`]] : []),
            ...Object.entries(r.tables).filter(([, n]) => n > 0).map(([t, n]) => [t, String(n)]),
            ["(stored digests)", r.digest],
          ],
        }),
      );
    });
  return new Command("store")
    .description("store maintenance: integrity check (fsck), garbage collection (gc), and a move to PostgreSQL (migrate)")
    .addCommand(fsck)
    .addCommand(gc)
    .addCommand(migrate);
}

function renderFsck(r: FsckReport): string {
  const c = r.counts;
  const parts = [
    renderTable({
      title: r.ok ? "Store OK" : "Store has problems",
      rows: [
        ["Blobs", `${c.blobs} (${c.bytes} bytes)`],
        ["Attestations", String(c.attestations)],
        ["Signatures Verified", String(c.signaturesVerified)],
        ["Corrupt", String(c.corrupt)],
        ["Unreadable", String(c.unreadable)],
        ["Missing", String(c.missing)],
        ["Bad Signature", String(c.badSignature)],
        ["Runs Checked", String(c.runsChecked)],
        ...(c.dbIntegrity ? [["Database Damaged", "yes (PRAGMA integrity_check)"]] : []),
        ...(c.runMismatch || c.contractMismatch ? [["Run Mismatches", String(c.runMismatch + c.contractMismatch)]] : []),
        ...(c.contractUnbound ? [["Contract Not Bound (info)", String(c.contractUnbound)]] : []),
        ...(c.remoteChecked || c.remoteMissing || c.remoteCorrupt
          ? [["Checked In Backends", String(c.remoteChecked)], ["Missing In Backend", String(c.remoteMissing)], ["Corrupt In Backend", String(c.remoteCorrupt)]]
          : []),
        ["Orphans (info)", String(c.orphans)],
        ["Tmp Leftovers (info)", String(c.tmpLeftovers)],
        ...(c.stray ? [["Stray Files (info)", String(c.stray)]] : []),
      ],
    }),
  ];
  if (r.problems.length > 0) {
    parts.push(renderTable({ title: "Problems", head: ["Kind", "Digest", "Detail"], rows: r.problems.map((p) => [p.kind, p.digest, detail(p)]) }));
  }
  if (r.orphans.length > 0) {
    const rows = r.orphans.slice(0, LIST_MAX).map((o) => [o.digest, String(o.size)]);
    if (r.orphans.length > LIST_MAX) rows.push([`… and ${r.orphans.length - LIST_MAX} more (-o json lists all)`, ""]);
    parts.push(renderTable({ title: "Orphans (unreferenced; `cairn store gc` collects them)", head: ["Digest", "Size"], rows }));
  }
  return parts.join("\n");
}

function detail(p: FsckProblem): string {
  switch (p.kind) {
    case "corrupt":
      return `content hashes to ${p.actual} (${p.path})`;
    case "unreadable":
      return `${p.reason} (${p.path})`;
    case "missing":
      return `referenced by ${p.referencedBy.join(", ")}`;
    case "bad-signature":
      return p.runId ? `run ${p.runId}: verifies under no registered key, --key or trusted root: ${p.reason}` : p.reason;
    case "remote-missing":
      return `${p.backend}: ${p.reason}`;
    case "remote-corrupt":
      return `${p.backend}: content hashes to ${p.actual}`;
    case "db-integrity":
      return `the SQLite database is damaged: ${p.messages.slice(0, 3).join("; ")}`;
    case "run-mismatch":
    case "contract-mismatch":
      return `run ${p.runId}: ${p.reason}`;
  }
}

function renderGc(r: GcReport): string {
  const verb = r.dryRun ? "Would Remove" : "Removed";
  const rows = [
    ...r.removed.map((b) => [verb, b.digest, String(b.size)]),
    ...r.tmpRemoved.map((t) => [verb, `tmp/${t.name}`, String(t.size)]),
  ];
  const summary = renderTable({
    title: r.dryRun ? "Garbage collection (dry run)" : "Garbage collection",
    rows: [
      ["Blobs Scanned", String(r.scanned)],
      [`${verb} Blobs`, String(r.removed.length)],
      [`${verb} Tmp Files`, String(r.tmpRemoved.length)],
      [r.dryRun ? "Bytes To Free" : "Bytes Freed", String(r.bytesFreed)],
      ["Kept: Referenced", String(r.kept.referenced)],
      ["Kept: Within Grace", String(r.kept.recent)],
      ["Kept: Crafting State", String(r.kept.crafting)],
    ],
  });
  return rows.length > 0 ? `${renderTable({ head: ["Action", "Blob", "Size"], rows })}\n${summary}` : summary;
}
