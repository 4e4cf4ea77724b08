/**
 * Test support: a real registry — Debian's /usr/bin/docker-registry (distribution 2.8) — on 127.0.0.1 with a temp
 * config and storage, plain http. Absent binaries make tests FAIL (never skip): `.ci/run` installs them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../test-helpers.ts";

export const REGISTRY_BIN = "/usr/bin/docker-registry";
export const SKOPEO_BIN = "/usr/bin/skopeo";

export interface RunningRegistry {
  /** 127.0.0.1:<port> */
  host: string;
  stop(): Promise<void>;
}

export function requireBinary(path: string, pkg: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install the Debian package "${pkg}" (.ci/run installs it: apt-get install ${pkg})`);
  }
}

function configYaml(root: string, port: number): string {
  return [
    "version: 0.1",
    "log: { level: warn, accesslog: { disabled: true } }",
    `storage: { filesystem: { rootdirectory: ${root} }, delete: { enabled: true } }`,
    `http: { addr: 127.0.0.1:${port} }`,
    "",
  ].join("\n");
}

async function waitUntilUp(host: string, proc: { exitCode: number | null }, logPath: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break;
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(25);
  }
  const log = existsSync(logPath) ? readFileSync(logPath, "utf8").slice(-2000) : "";
  throw new Error(`docker-registry did not answer GET http://${host}/v2/ (exit ${proc.exitCode}):\n${log}`);
}

/** Starts a registry; the caller must `stop()` it (kills the process and removes its storage). */
export async function startRegistry(): Promise<RunningRegistry> {
  requireBinary(REGISTRY_BIN, "docker-registry");
  const dir = mkdtempSync(join(tmpdir(), "cairn-registry-"));
  for (let attempt = 0; ; attempt++) {
    const port = freePort();
    const host = `127.0.0.1:${port}`;
    const cfg = join(dir, "config.yml");
    const logPath = join(dir, "registry.log");
    writeFileSync(cfg, configYaml(join(dir, "data"), port));
    const proc = Bun.spawn([REGISTRY_BIN, "serve", cfg], { stdout: Bun.file(logPath), stderr: Bun.file(logPath) });
    try {
      await waitUntilUp(host, proc, logPath);
    } catch (e) {
      proc.kill();
      await proc.exited;
      if (attempt < 2) continue; // the probed port may have been taken in between
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return {
      host,
      async stop() {
        proc.kill();
        await proc.exited;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** `skopeo inspect --raw` of a plain-http registry: the manifest bytes exactly as served. */
export async function skopeoInspectRaw(host: string, repoAndRef: string): Promise<Uint8Array> {
  requireBinary(SKOPEO_BIN, "skopeo");
  const proc = Bun.spawn(
    [SKOPEO_BIN, "--insecure-policy", "inspect", "--raw", "--tls-verify=false", `docker://${host}/${repoAndRef}`],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).arrayBuffer(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`skopeo inspect --raw docker://${host}/${repoAndRef} failed (${code}): ${err}`);
  return new Uint8Array(out);
}
