// Runs dist/cairn once per fuzz case under GNU time, in a work directory whose every file outside the home is
// listed before and after, and reports what the suite asserts: exit code, stderr, wall time, peak RSS, new files.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BIN } from "../e2e/harness.ts";

export interface Outcome {
  code: number | null;
  wallMs: number;
  rssKiB: number;
  stderr: string;
  /** Files that appeared outside the home (and outside the inputs) while the command ran. */
  strays: string[];
}

export interface Lane {
  /** cwd, HOME and TMPDIR of the commands; the home is `work/home`. */
  work: string;
  env: Record<string, string>;
  timeFile: string;
}

export function lane(root: string, i: number): Lane {
  const work = join(root, `lane${i}`);
  mkdirSync(join(work, "tmp"), { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, TMPDIR: join(work, "tmp"), CAIRN_HOME: join(work, "home"), CAIRN_SIGNING_PASSWORD: "fuzz" };
  return { work, env, timeFile: join(root, `time${i}.txt`) };
}

/** Every path under `dir` except the home. */
function listing(dir: string): Set<string> {
  const out = new Set<string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name).slice(dir.length + 1);
    if (p !== "home" && !p.startsWith("home/")) out.add(p);
  }
  return out;
}

/** A runaway is killed (exit 137, which the suite refuses) rather than left to stall the suite. */
const TIMEOUT_S = "20";

export async function runCase(l: Lane, args: string[]): Promise<Outcome> {
  const before = listing(l.work);
  const started = performance.now();
  // timeout(1) runs under time(1): GNU time's %M is the largest RSS of the waited-for descendants, i.e. cairn's.
  const p = Bun.spawn(["/usr/bin/time", "-f", "%M", "-o", l.timeFile, "timeout", "-s", "KILL", TIMEOUT_S, BIN, ...args], {
    cwd: l.work,
    env: l.env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const stderr = await new Response(p.stderr).text();
  await p.exited;
  const wallMs = performance.now() - started;
  // GNU time reports "Command exited with non-zero status N" before the number; the last line is %M.
  const rssKiB = Number(readFileSync(l.timeFile, "utf8").trim().split("\n").at(-1));
  const strays = [...listing(l.work)].filter((f) => !before.has(f));
  for (const f of strays) rmSync(join(l.work, f), { recursive: true, force: true });
  return { code: p.exitCode, wallMs, rssKiB, stderr, strays };
}

/** Runs `jobs` on `lanes.length` lanes at once (one per core), keeping the results in order. */
export async function pool<T, R>(jobs: T[], lanes: Lane[], run: (l: Lane, job: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    lanes.map(async (l) => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await run(l, jobs[i]!);
      }
    }),
  );
  return out;
}
