import { Command } from "commander";
import { CairnError } from "../errors.ts";
import { checkPlaintext, loadServerTls, withTlsErrors } from "./serve-tls.ts";
import { configFor, refuseRemote } from "./shared.ts";

interface ServeOpts {
  listen: string;
  maxBody: string;
  maxBlob: string;
  shutdownGrace: string;
  tlsCert?: string;
  tlsKey?: string;
  insecurePlaintext?: boolean;
  publicUrl?: string;
  admissionConfig?: string;
  webhookAttempts: string;
  webhookTimeout: string;
  webhookBackoff: string;
  complianceInterval: string;
  adoptTrust?: boolean;
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

/** "1048576", "512KiB", "1MiB", "1GiB" (also K, M, G) → bytes. */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) === 0) {
    throw new CairnError("USAGE", `${flag} ${JSON.stringify(text)} is not a size`, { hint: "write bytes, or a number with KiB, MiB or GiB (e.g. 1MiB)" });
  }
  return Number(m[1]) * unit;
}

/** "127.0.0.1:8080", ":8080", "[::1]:0" → host and port. */
export function parseListen(text: string): { hostname: string; port: number } {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]*):(\d{1,5})$/i.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new CairnError("USAGE", `--listen ${JSON.stringify(text)} is not HOST:PORT`, { hint: "e.g. --listen 127.0.0.1:8080 (port 0 picks a free one)" });
  }
  return { hostname: m[1]!.replace(/^\[|\]$/g, "") || "127.0.0.1", port };
}

/** `--public-url`: an http(s) URL without query, fragment or credentials; returned without a trailing slash. */
export function checkPublicUrl(flag: string): string {
  let u: URL | undefined;
  try {
    u = new URL(flag);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== "https:" && u.protocol !== "http:") || u.search || u.hash || u.username || u.password) {
    throw new CairnError("USAGE", `--public-url ${JSON.stringify(flag)} is not an http(s) URL without query, fragment or credentials`, {
      hint: "e.g. --public-url https://cairn.example.com",
    });
  }
  return u.href.replace(/\/+$/, "");
}

/** `cairn serve`: the control plane over HTTP until SIGTERM/SIGINT, then a clean stop (exit 0). */
export function serveCommand(): Command {
  return new Command("serve")
    .description("serve the control plane over a JSON HTTP API (docs/api.md); prints an admin token at first start")
    .option("--listen <host:port>", "address to listen on (port 0: a free port, printed on stderr)", "127.0.0.1:8080")
    .option("--tls-cert <file>", "serve https with this PEM certificate (chain), with --tls-key (docs/tls.md)")
    .option("--tls-key <file>", "the unencrypted PEM private key of --tls-cert")
    .option("--insecure-plaintext", "allow plain http on a non-loopback address (only behind a TLS-terminating proxy)")
    .option("--public-url <url>", "the URL clients reach this server at: OIDC issuer and certificate identities (default: the listen URL)")
    .option("--adopt-trust", "replicas on one database: record this home's CA, TSA, OIDC key and log key as the ones every replica must serve (after replacing them)")
    .option("--max-body <size>", "largest JSON/text request body", "1MiB")
    .option("--max-blob <size>", "largest CAS blob upload (an organization's max_blob_bytes overrides it)", "1GiB")
    .option("--shutdown-grace <duration>", "how long in-flight requests may finish after SIGTERM", "10s")
    .option("--admission-config <file>", "Kubernetes admission webhook (POST /api/v1/admission): a verification policy per namespace (docs/admission.md)")
    .option("--webhook-attempts <n>", "attempts of a webhook delivery before it is marked failed (docs/webhooks.md)", "8")
    .option("--webhook-timeout <duration>", "how long a webhook endpoint may take to answer one delivery", "10s")
    .option("--webhook-backoff <duration>", "the first retry's delay ceiling; it doubles each attempt (full jitter), up to 10m", "1s")
    .option("--compliance-interval <duration>", "how often workflow.behind / workflow.stale events are enqueued (0: never)", "24h")
    .action(async (opts: ServeOpts, c: Command) => {
      Bun.unsafe.setJITPolicy(1); // a server: the normal JIT policy from the start (build.ts jitPolicy)
      refuseRemote(c, "serve", "it serves the local store; --control-plane points at a server already");
      const { parseDuration } = await import("../config.ts");
      const listen = parseListen(opts.listen);
      const tls = loadServerTls(opts.tlsCert, opts.tlsKey);
      const plaintextWarning = checkPlaintext(listen.hostname, tls !== undefined, opts.insecurePlaintext === true);
      const limits = { maxBodyBytes: parseSize(opts.maxBody, "--max-body"), maxBlobBytes: parseSize(opts.maxBlob, "--max-blob") };
      const graceMs = parseDuration(opts.shutdownGrace, "--shutdown-grace");
      const { startWebhooks, webhookSettings } = await import("./serve-webhooks.ts");
      const hookSettings = webhookSettings(opts, configFor(c).env);
      // Read and checked before anything starts: a bad file stops the server instead of admitting (or denying) Pods later.
      const admission = opts.admissionConfig === undefined ? undefined : (await import("../services/admission-config.ts")).readAdmissionConfig(opts.admissionConfig, configFor(c).cwd);
      const { createAppContext } = await import("../context.ts");
      const { startServer } = await import("../server/server.ts");
      const { ensureAdminToken } = await import("../server/bootstrap.ts");
      const app = await createAppContext(configFor(c), { reporter: { warn: (m) => process.stderr.write(`WARN ${m}\n`) }, backgroundCheckpoints: true, tokenCache: true });
      try {
        const admin = await ensureAdminToken(app);
        if (admin) process.stderr.write(`cairn serve: admin token (organization default, name ${admin.name}; shown once, store it now): ${admin.token}\n`);
        else process.stderr.write("cairn serve: an admin token exists (it was printed at first start and is not shown again)\n");
        const { createWebHandler } = await import("../server/web/index.ts");
        const { verificationKeys } = await import("../services/control/org-keys.ts");
        const web = createWebHandler({ verificationKeys });
        if (plaintextWarning) process.stderr.write(`WARN cairn serve: ${plaintextWarning}\n`);
        if (tls && tls.notAfter.getTime() < Date.now()) process.stderr.write(`WARN cairn serve: the --tls-cert certificate expired on ${tls.notAfter.toISOString()}; clients will refuse it\n`);
        const { attachLog, loadTrustServices } = await import("../server/trust.ts");
        const publicUrl = opts.publicUrl === undefined ? undefined : checkPublicUrl(opts.publicUrl);
        const trust = await loadTrustServices(app);
        process.stderr.write(
          trust.ca
            ? `cairn serve: keyless signing on: certificates from the home's CA (${trust.ca.intermediate.subject}), timestamps, OIDC issuer ${publicUrl ?? "= the listen URL (set --public-url if clients reach this server by another)"}\n`
            : "cairn serve: keyless signing off: this home has no CA (run `cairn ca init`, then restart); pushes must be key-signed\n",
        );
        let webhooks: { wake(): void } | undefined;
        const afterWrite = () => webhooks?.wake();
        const server = withTlsErrors(opts, () => startServer({ app, ...listen, limits, web, trust, afterWrite, ...(publicUrl && { publicUrl }), ...(admission && { admission }), ...(tls && { tls: { cert: tls.cert, key: tls.key } }) }));
        try {
          await attachLog(trust, app, publicUrl ?? server.url, { adoptTrust: opts.adoptTrust === true });
        } catch (e) {
          await server.stop(0);
          throw e;
        }
        if (trust.log) process.stderr.write(`cairn serve: transparency log on: origin ${trust.log.identity.origin}, ${await app.tlog.size()} entries, checkpoint at ${publicUrl ?? server.url}/api/v1/log/checkpoint\n`);
        const hooks = (webhooks = startWebhooks(app, hookSettings, publicUrl ?? server.url, (line) => process.stderr.write(`${line}\n`)));
        const { RunExpiryJob } = await import("../services/control/expiry-job.ts");
        const expiry = new RunExpiryJob(app, { log: (line) => process.stderr.write(`${line}\n`) });
        expiry.start();
        process.stderr.write(`cairn serve: listening on ${server.url}\n`);
        await untilSignal();
        process.stderr.write("cairn serve: stopping (in-flight requests may finish)\n");
        await Promise.all([server.stop(graceMs), hooks.stop(Math.min(graceMs, 5000)), expiry.stop()]);
        process.stderr.write("cairn serve: stopped\n");
      } finally {
        await app.close();
      }
    });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGTERM", done);
      process.off("SIGINT", done);
      resolve();
    };
    process.on("SIGTERM", done);
    process.on("SIGINT", done);
  });
}
