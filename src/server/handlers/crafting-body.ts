import { CairnError } from "../../errors.ts";
import { RUNNER_TYPES, type RunnerType } from "../../crafter/contract/types.ts";
import type { GitHead } from "../../crafter/state/types.ts";
import type { Observations } from "../../services/crafting/init-observe.ts";
import type { RemoteInitRequest } from "../../services/crafting/served-init.ts";
import { boolField, field } from "../http.ts";
import { onlyFields } from "./fields.ts";

/** The JSON bodies of the remote crafting routes, checked field by field (a wrong field is a 400 naming it). */

const REQUEST_FIELDS = ["workflow", "project", "team", "contractName", "contractText", "contractRevision", "version", "release", "dryRun"] as const;

const bad = (name: string, what: string) => new CairnError("USAGE", `field ${name} must be ${what}`, { hint: "send the body `cairn attestation init` sends (docs/api.md)" });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function initRequest(b: Record<string, unknown>, extra: readonly string[] = []): RemoteInitRequest {
  onlyFields(b, [...REQUEST_FIELDS, ...extra]);
  const rev = b.contractRevision;
  if (rev !== undefined && rev !== null && typeof rev !== "number") throw bad("contractRevision", "a whole number");
  return {
    workflow: field(b, "workflow", true),
    project: field(b, "project", true),
    team: field(b, "team"),
    contractName: field(b, "contractName"),
    contractText: field(b, "contractText"),
    contractRevision: typeof rev === "number" ? rev : undefined,
    version: field(b, "version"),
    release: boolField(b, "release"),
    dryRun: boolField(b, "dryRun") ?? false,
  };
}

function strings(v: unknown, name: string): Record<string, string> {
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === "string")) throw bad(name, "an object of strings");
  return v as Record<string, string>;
}

function git(v: unknown): GitHead | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw bad("observations.git", "an object");
  for (const k of ["hash", "authorName", "authorEmail", "message", "date"]) if (typeof v[k] !== "string") throw bad(`observations.git.${k}`, "a string");
  const remotes = v.remotes;
  if (!Array.isArray(remotes) || !remotes.every((r) => isObject(r) && typeof r.name === "string" && typeof r.url === "string")) {
    throw bad("observations.git.remotes", "a list of {name, url}");
  }
  return v as unknown as GitHead;
}

/** What the CI machine observed: runner type (and URL), runner + allow-listed env values, git HEAD. */
export function observations(v: unknown): Observations {
  if (!isObject(v)) throw bad("observations", "an object");
  onlyFields(v, ["runner", "env", "git"]);
  const runner = v.runner;
  if (!isObject(runner) || !(runner.type === "RUNNER_TYPE_UNSPECIFIED" || RUNNER_TYPES.includes(runner.type as never))) {
    throw bad("observations.runner.type", `one of ${RUNNER_TYPES.join(", ")}, RUNNER_TYPE_UNSPECIFIED`);
  }
  if (runner.url !== undefined && typeof runner.url !== "string") throw bad("observations.runner.url", "a string");
  const seenGit = git(v.git);
  return {
    runner: { type: runner.type as RunnerType, ...(typeof runner.url === "string" && { url: runner.url }) },
    env: strings(v.env ?? {}, "observations.env"),
    ...(seenGit && { git: seenGit }),
  };
}
