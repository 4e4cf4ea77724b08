import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GitHead } from "../crafter/state/types.ts";

/**
 * Reads HEAD of the git repository containing cwd, with the local `git` binary (never the network).
 * Returns undefined outside a repository, in a repository without commits, or when git is not installed.
 */
export function readGitHead(cwd: string): GitHead | undefined {
  if (!insideRepo(cwd)) return undefined;
  const log = git(cwd, ["log", "-1", "--format=%H%x00%an%x00%ae%x00%cI%x00%B"]);
  if (log === undefined) return undefined;
  const [hash, authorName, authorEmail, date, message] = log.split("\0");
  if (!hash || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(hash)) return undefined;
  const remotes = (git(cwd, ["config", "--get-regexp", "^remote\\..*\\.url$"]) ?? "")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [key = "", url = ""] = l.split(" ", 2);
      return { name: key.replace(/^remote\./, "").replace(/\.url$/, ""), url: stripCredentials(url) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    hash,
    authorName: authorName ?? "",
    authorEmail: authorEmail ?? "",
    date: date ?? "",
    message: (message ?? "").trim(),
    remotes,
  };
}

/** https://user:token@host/x → https://host/x. scp-style `git@host:x` has no secret and is kept. */
export function stripCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === "" && u.password === "") return url;
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}

function insideRepo(cwd: string): boolean {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return true;
    if (dirname(dir) === dir) return false;
  }
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    const r = Bun.spawnSync(["git", "-C", cwd, ...args], { stdout: "pipe", stderr: "ignore", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
    return r.exitCode === 0 ? r.stdout.toString() : undefined;
  } catch {
    return undefined;
  }
}
