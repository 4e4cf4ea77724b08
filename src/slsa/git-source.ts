// The git HEAD a run was crafted at, as an SLSA resolved dependency: `git+<remote>[@<ref>]` in SPDX download-location
// form with digest.gitCommit (SHA-1 or SHA-256 object names alike), or a uri-less "git.head" when there is no remote.
import type { ResourceDescriptor } from "../crafter/statement.ts";
import type { CraftingState } from "../crafter/state/types.ts";

export const GIT_HEAD_NAME = "git.head";

/** The HEAD descriptor, or undefined when the state recorded no git HEAD. */
export function gitHeadDescriptor(state: CraftingState): ResourceDescriptor | undefined {
  const git = state.git;
  if (git === undefined) return undefined;
  const remote = git.remotes[0] === undefined ? undefined : gitUri(git.remotes[0].url);
  const d: ResourceDescriptor = { name: GIT_HEAD_NAME, digest: { gitCommit: git.hash } };
  if (remote === undefined) return d;
  const ref = knownRef(state);
  return { name: GIT_HEAD_NAME, uri: ref === undefined ? remote : `${remote}@${ref}`, digest: d.digest };
}

/**
 * A remote URL as a `git+` URI: URLs with a scheme get the prefix, scp-like `user@host:path` becomes
 * `git+ssh://user@host/path`, an absolute path `git+file://path`. Anything else has no URI form (undefined).
 */
export function gitUri(url: string): string | undefined {
  if (/^git\+[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return `git+${url}`;
  const scp = /^(?:([^@/:\s]+)@)?([^/:\s]+):(?!\/\/)([^\s]+)$/.exec(url);
  if (scp !== null) return `git+ssh://${scp[1] === undefined ? "" : `${scp[1]}@`}${scp[2]}/${scp[3]!.replace(/^\/+/, "")}`;
  if (/^\/[^\s]*$/.test(url)) return `git+file://${url}`;
  return undefined;
}

/** The full ref HEAD was checked out for, when the runner says so for this very commit (GitHub: GITHUB_REF at GITHUB_SHA). */
function knownRef(state: CraftingState): string | undefined {
  const env = state.env;
  if (state.runner.type !== "GITHUB_ACTION" || env.GITHUB_SHA !== state.git?.hash) return undefined;
  return env.GITHUB_REF?.startsWith("refs/") ? env.GITHUB_REF : undefined;
}
