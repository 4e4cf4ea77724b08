// Lists engines.node of every installed package (nested node_modules too), and checks package.json's own
// engines.node against them: `bun scripts/engines.ts`. The cairn binary needs no Node; `npm install` does.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface InstalledEngine {
  /** name@version */
  pkg: string;
  node: string;
}

/** engines.node of every package under `dir` (a node_modules folder), recursively; packages without one are skipped. */
export function installedEngines(dir: string): InstalledEngine[] {
  const out: InstalledEngine[] = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith(".")) continue;
    const dirs = entry.startsWith("@") ? readdirSync(join(dir, entry)).sort().map((n) => join(dir, entry, n)) : [join(dir, entry)];
    for (const pkgDir of dirs) {
      const manifest = join(pkgDir, "package.json");
      if (!existsSync(manifest)) continue;
      const p = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string; engines?: { node?: string } };
      if (typeof p.engines?.node === "string") out.push({ pkg: `${p.name}@${p.version}`, node: p.engines.node });
      out.push(...installedEngines(join(pkgDir, "node_modules")));
    }
  }
  return out;
}

/**
 * Node versions that stand for a range: the lower bound of each `^X.Y.Z` / `>=X.Y.Z` alternative and the
 * last release line it allows (X.999.0 for a caret). A range is taken to hold when all of them satisfy.
 */
export function probeVersions(range: string): string[] {
  const out: string[] = [];
  for (const alt of range.split("||").map((s) => s.trim())) {
    const m = /^(\^|>=)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(alt);
    if (!m) throw new Error(`engines.node alternative ${JSON.stringify(alt)} is not ^X.Y.Z or >=X.Y.Z`);
    const [major, minor, patch] = [m[2], m[3] ?? "0", m[4] ?? "0"];
    out.push(`${major}.${minor}.${patch}`, m[1] === "^" ? `${major}.999.0` : `${Number(major) + 10}.0.0`);
  }
  return out;
}

/** The installed packages whose engines.node does not accept every version `range` stands for. */
export function unmetEngines(range: string, engines: InstalledEngine[]): { pkg: string; node: string; version: string }[] {
  const probes = probeVersions(range);
  return engines.flatMap((e) => {
    const version = probes.find((v) => !Bun.semver.satisfies(v, e.node));
    return version === undefined ? [] : [{ ...e, version }];
  });
}

if (import.meta.main) {
  const root = join(import.meta.dir, "..");
  const engines = installedEngines(join(root, "node_modules"));
  for (const e of engines) console.log(`${e.pkg}\t${e.node}`);
  const own = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines?: { node?: string } }).engines?.node ?? "";
  const unmet = unmetEngines(own, engines);
  console.error(unmet.length === 0 ? `engines.node ${own} satisfies all ${engines.length}` : unmet.map((u) => `${u.pkg} (${u.node}) refuses Node ${u.version}`).join("\n"));
  process.exit(unmet.length === 0 ? 0 : 1);
}
