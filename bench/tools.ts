import { join, resolve } from "node:path";

export const BIN = join(resolve(import.meta.dir, ".."), "dist", "cairn");

/** Installs a Debian package for a baseline tool when missing (root on these machines); false if impossible. */
export function ensureDebianTool(command: string, pkg: string): boolean {
  if (Bun.which(command)) return true;
  console.error(`installing ${pkg} (baseline tool) with apt-get`);
  const p = Bun.spawnSync(["sh", "-c", `apt-get update -qq && apt-get install -y -qq --no-install-recommends ${pkg}`], { stdout: "ignore", stderr: "inherit" });
  if (p.exitCode === 0 && Bun.which(command)) return true;
  console.error(`skipped: ${command} (Debian package ${pkg}) is not available`);
  return false;
}
