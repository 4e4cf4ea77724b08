import { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { io, isTerminal } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { loadConfig, readEnv, type Config } from "../config.ts";
import { CairnError } from "../errors.ts";
import type { LogSource } from "../services/tlog/source.ts";
import type { NamedRoot } from "../trust/trusted-root.ts";
import { collect, outputOption, print, publicControlPlane, type OutputFormat } from "./shared.ts";

type Out = { output: OutputFormat; trustedRoot: string[] };

/**
 * Runs `fn` on the log of --control-plane URL (its published tiles; no token is sent) or of the local home's store
 * (a server's home, running or stopped), with the trusted roots checkpoints are checked against.
 */
async function withLog<T>(c: Command, trustedRoot: string[], fn: (source: LogSource, roots: NamedRoot[], config: Config) => Promise<T>): Promise<T> {
  const { config, url, tls } = await publicControlPlane(c);
  const { homeRoots, rootFiles } = await import("../services/trust-roots.ts");
  const roots = trustedRoot.length > 0 ? rootFiles(config.cwd, trustedRoot) : homeRoots(config.home, { publicGood: false });
  const { httpSource, storeSource } = await import("../services/tlog/source.ts");
  if (url) return fn(httpSource(url, tls ?? {}), roots, config);
  if (!existsSync(resolve(config.home, "cairn.db"))) throw new CairnError("NOT_FOUND", `no store at ${config.home}`, { hint: "pass --home (the server's home) or --control-plane URL" });
  const { createAppContext } = await import("../context.ts");
  const app = await createAppContext(config);
  try {
    return await fn(storeSource(app.tlog, `the log in ${config.home}`), roots, config);
  } finally {
    await app.close();
  }
}

const rootOption = (cmd: Command) => cmd.option("--trusted-root <file>", "trusted_root.json listing the log (repeatable; default: the home's roots)", collect, []);

export function logCommand(): Command {
  const init = new Command("init")
    .description("create the home's transparency log key (Ed25519; `cairn ca init` does it too); the origin is fixed when first served")
    .option("--origin <host>", "the log's origin: the bare hostname clients reach the server at (default: the --public-url host at first start)")
    .option("--force", "replace the key: a new key is a new log, which verifiers must be told about")
    .action(async (opts: { origin?: string; force?: boolean }, c: Command) => {
      const g = c.optsWithGlobals() as { home?: string };
      const config = loadConfig(readEnv(), { home: g.home }, process.cwd(), isTerminal(2));
      const { initLogKey } = await import("../services/tlog/identity.ts");
      const r = initLogKey(config.home, { now: new Date(), password: config.env.CAIRN_CA_PASSWORD || undefined, ...(opts.origin && { origin: opts.origin }), force: opts.force });
      io.info(`transparency log key created in ${config.home}/log; \`cairn serve\` publishes the log`);
      process.stdout.write(r.publicKeyPem);
    });
  const checkpoint = rootOption(new Command("checkpoint").description("print the log's newest checkpoint, checked against the log key of a trusted root"))
    .addOption(outputOption())
    .action(async (opts: Out, c: Command) => {
      await withLog(c, opts.trustedRoot, async (source, roots) => {
        const { latestCheckpoint } = await import("../services/tlog/proofs.ts");
        const cp = await latestCheckpoint(source, roots);
        if (opts.output === "json") io.json({ origin: cp.origin, size: cp.size, rootHash: Buffer.from(cp.root).toString("base64"), checkpoint: cp.note });
        else process.stdout.write(cp.note);
      });
    });
  const prove = rootOption(new Command("prove").description("a fresh inclusion proof of a bundle's log entry against the newest checkpoint"))
    .requiredOption("-b, --bundle <file>", "Sigstore bundle with a tlog entry of this log")
    .addOption(outputOption())
    .action(async (opts: Out & { bundle: string }, c: Command) => {
      await withLog(c, opts.trustedRoot, async (source, roots, config) => {
        const { proveBundle } = await import("../services/tlog/proofs.ts");
        const bundle = readJson(resolve(config.cwd, opts.bundle), opts.bundle);
        const started = performance.now();
        const p = await proveBundle(source, bundle, roots);
        const ms = performance.now() - started;
        print(opts.output, { ...p, ms: Number(ms.toFixed(2)) }, () =>
          renderTable({ rows: [["Entry", String(p.index)], ["Tree Size", String(p.treeSize)], ["Root", p.rootHash], ["Proof", `${p.hashes.length} hashes (${p.hashes.length * 32} bytes), verified`], ["Took", `${ms.toFixed(1)} ms`]] }),
        );
      });
    });
  const consistency = rootOption(new Command("consistency").description("prove the newest checkpoint extends an older one you kept (RFC 6962 consistency)"))
    .requiredOption("--from <file>", "an older signed checkpoint of this log")
    .addOption(outputOption())
    .action(async (opts: Out & { from: string }, c: Command) => {
      await withLog(c, opts.trustedRoot, async (source, roots, config) => {
        const { proveConsistency } = await import("../services/tlog/proofs.ts");
        const older = readText(resolve(config.cwd, opts.from), opts.from);
        const p = await proveConsistency(source, older, roots);
        print(opts.output, p, () => renderTable({ rows: [["From Size", String(p.fromSize)], ["To Size", String(p.toSize)], ["Proof", `${p.hashes.length} hashes, verified`]] }));
      });
    });
  const monitor = rootOption(new Command("monitor").description("verify the whole log against the last checkpoint this monitor verified; list what was appended; exit 1 on any inconsistency"))
    .requiredOption("--state <file>", "where the monitor keeps the last verified checkpoint (created on the first run)")
    .addOption(outputOption())
    .action(async (opts: Out & { state: string }, c: Command) => {
      await withLog(c, opts.trustedRoot, async (source, roots, config) => {
        const { monitorLog, parseMonitorState } = await import("../services/tlog/monitor.ts");
        const path = resolve(config.cwd, opts.state);
        const previous = existsSync(path) ? parseMonitorState(readFileSync(path, "utf8"), opts.state) : undefined;
        const r = await monitorLog(source, previous, roots, new Date());
        const { writeFileAtomic } = await import("../services/atomic-file.ts");
        writeFileAtomic(path, `${JSON.stringify(r.state, null, 2)}\n`, 0o644);
        if (opts.output === "table") io.info(`log ${r.origin}: ${r.size} entries verified, ${r.appended.length} new since ${previous ? `size ${r.previousSize}` : "the start"}`);
        print(opts.output, { origin: r.origin, previousSize: r.previousSize, size: r.size, rootHash: r.root, appended: r.appended }, () =>
          renderTable({ head: ["Index", "Signer", "Signed Digest"], rows: r.appended.map((e) => [String(e.index), e.signer, e.digest]) }),
        );
      });
    });
  return new Command("log")
    .description("the transparency log of `cairn serve`: checkpoints, inclusion and consistency proofs, monitoring")
    .addCommand(init)
    .addCommand(checkpoint)
    .addCommand(prove)
    .addCommand(consistency)
    .addCommand(monitor);
}

function readText(path: string, shown: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new CairnError("USAGE", `${shown} cannot be read`, { hint: "check the path" });
  }
}

function readJson(path: string, shown: string): unknown {
  try {
    return JSON.parse(readText(path, shown));
  } catch (e) {
    if (e instanceof CairnError) throw e;
    throw new CairnError("USAGE", `${shown} is not JSON`);
  }
}
