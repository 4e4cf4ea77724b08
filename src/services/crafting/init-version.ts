import { CairnError } from "../../errors.ts";
import type { ProjectVersionInfo } from "../../crafter/state/types.ts";
import type { ServiceDeps } from "../deps.ts";

/** Project versions (`init --version V [--release]`): names like v1.2.0; --release only with a version. */
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;

export function checkVersion(input: { version?: string; release?: boolean }): void {
  if (input.release && input.version === undefined) {
    throw new CairnError("USAGE", "--release needs --version: it marks that project version released", { hint: "e.g. --version v1.2.0 --release" });
  }
  if (input.version !== undefined && !VERSION_NAME.test(input.version)) {
    throw new CairnError("USAGE", `--version ${JSON.stringify(input.version)} is not a version name`, {
      hint: "use letters, digits and . _ + - (at most 100 characters), e.g. v1.2.0",
    });
  }
}

/** Creates the version when missing (inside init's transaction) and returns what the state records. */
export async function recordVersion(deps: ServiceDeps, projectId: string, input: { version?: string; release?: boolean }, now: string): Promise<ProjectVersionInfo | undefined> {
  if (input.version === undefined) return undefined;
  const v = await deps.repo.ensureProjectVersion(projectId, input.version, now);
  return { version: v.version, prerelease: v.prerelease, markAsReleased: input.release === true, id: v.id };
}

/** Dry-run: the version as stored if it exists, nothing written. */
export async function dryRunVersion(deps: ServiceDeps, input: { project: string; version?: string; release?: boolean }): Promise<ProjectVersionInfo | undefined> {
  if (input.version === undefined) return undefined;
  const org = await deps.repo.findOrg(deps.config.organization);
  const stored = org && await deps.repo.findProjectVersion(org.id, input.project, input.version);
  return { version: input.version, prerelease: stored?.prerelease ?? true, markAsReleased: input.release === true };
}
