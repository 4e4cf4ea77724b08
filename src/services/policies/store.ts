/**
 * The policy store: `cairn policy add|list|describe` and the server's /api/v1/policies. Policies belong to the
 * current organization (deps.config.organization) and have immutable revisions; like contracts, a new revision is
 * made only when the normalized document changes (reformatting or comments do not count).
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { CairnError } from "../../errors.ts";
import { canonicalJson } from "../../crafter/canonical-json.ts";
import { compilePolicy } from "../../crafter/policy/parse.ts";
import type { CompiledPolicy } from "../../crafter/policy/types.ts";
import type { PolicyRepo, PolicyRevisionInfo, PolicyRevisionRecord, PolicySummary } from "../../store/policy-port.ts";
import type { ControlPlaneRepo } from "../../store/ports.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkName } from "../control/orgs.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";
import { MAX_POLICY_BYTES, readPolicyFile } from "./load.ts";

type StoreDeps = Pick<ServiceDeps, "config" | "clock" | "repo" | "policies">;

/** What reading the store needs (the resolver gets this from whatever deps its caller has). */
export interface StoreLookupDeps {
  config: { organization: string };
  repo: Pick<ControlPlaneRepo, "findOrg">;
  policies: PolicyRepo;
}

export interface PolicyAddResult {
  name: string;
  revision: number;
  digest: string;
  /** False when the content equals the latest revision's (nothing was stored). */
  created: boolean;
}

export interface PolicyDescription {
  name: string;
  description: string;
  revision: number;
  latestRevision: number;
  digest: string;
  createdAt: string;
  source: string;
  revisions: PolicyRevisionInfo[];
}

/** `policy add --name N -f FILE`: reads the file relative to cwd, then as addPolicyText. */
export function addPolicyFile(deps: StoreDeps, input: { name?: string; file: string }): Promise<PolicyAddResult> {
  const text = readPolicyFile(resolve(deps.config.cwd, input.file), input.file);
  return addPolicyText(deps, { name: input.name, text, source: input.file });
}

/** Validates by compiling (a broken policy is never stored); metadata.name must equal `name` when both are given. */
export async function addPolicyText(deps: StoreDeps, input: { name?: string; text: string; source: string; nameFlag?: string }): Promise<PolicyAddResult> {
  const flag = input.nameFlag ?? "--name";
  if (Buffer.byteLength(input.text) > MAX_POLICY_BYTES) {
    throw new CairnError("POLICY_INVALID", `policy ${input.source} is over the ${MAX_POLICY_BYTES} byte limit`, {
      hint: "a policy is a small YAML/JSON document",
    });
  }
  const compiled = compilePolicy(input.text, input.source);
  const name = checkName(input.name ?? compiled.name, flag);
  if (compiled.name !== name) {
    throw new CairnError("USAGE", `${flag} ${name} does not match metadata.name ${compiled.name} in ${input.source}`, {
      hint: `rename one of them, or leave out ${flag} to store it as ${compiled.name}`,
    });
  }
  const contentDigest = normalizedDigest(input.text);
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const org = await deps.repo.ensureOrg(deps.config.organization, now);
    const latest = await deps.policies.latest(org.id, name);
    if (latest && latest.contentDigest === contentDigest) return { name, revision: latest.revision, digest: latest.digest, created: false };
    const record: PolicyRevisionRecord = {
      id: crypto.randomUUID(),
      orgId: org.id,
      name,
      revision: (latest?.revision ?? 0) + 1,
      description: compiled.description,
      source: input.text,
      digest: compiled.digest,
      contentDigest,
      createdAt: now,
    };
    await deps.policies.insertRevision(record);
    return { name, revision: record.revision, digest: record.digest, created: true };
  });
}

/** `policy list`: by name, keyset-paginated, each with its latest revision. */
export async function listStoredPolicies(deps: StoreDeps, input: { limit?: number; next?: string }): Promise<Page<PolicySummary>> {
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const after = input.next === undefined ? undefined : nameCursor(input.next);
  const org = await deps.repo.findOrg(deps.config.organization);
  if (!org) return { items: [] };
  return toPage(await deps.policies.listPolicies(org.id, limit + 1, after), limit, (p) => [p.name]);
}

/** `policy describe --name N [--revision R]`: the source and digest of a revision (default the latest) and all revisions. */
export async function describeStoredPolicy(deps: StoreDeps, input: { name: string; revision?: number }): Promise<PolicyDescription> {
  const rec = await storedRevision(deps, input.name, input.revision);
  const revisions = await deps.policies.listRevisions(rec.orgId, rec.name);
  return {
    name: rec.name,
    description: rec.description,
    revision: rec.revision,
    latestRevision: revisions[revisions.length - 1]!.revision,
    digest: rec.digest,
    createdAt: rec.createdAt,
    source: rec.source,
    revisions,
  };
}

/** A stored policy compiled (latest revision unless given): what a contract's bare-name reference resolves to. */
export async function loadStoredPolicy(deps: StoreLookupDeps, name: string, revision?: number): Promise<CompiledPolicy> {
  const rec = await storedRevision(deps, name, revision);
  return compilePolicy(rec.source, `policy ${rec.name} revision ${rec.revision}`);
}

async function storedRevision(deps: StoreLookupDeps, name: string, revision?: number): Promise<PolicyRevisionRecord> {
  if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) {
    throw new CairnError("USAGE", `--revision ${revision} is not a revision number`, { hint: "revisions are 1, 2, … (see `cairn policy describe --name NAME`)" });
  }
  const org = await deps.repo.findOrg(deps.config.organization);
  const latest = org && await deps.policies.latest(org.id, name);
  if (!org || !latest) {
    throw new CairnError("NOT_FOUND", `policy ${name} does not exist in organization ${deps.config.organization}`, {
      hint: "add it with `cairn policy add --name NAME -f FILE` (see `cairn policy list`)",
    });
  }
  if (revision === undefined) return latest;
  const rec = await deps.policies.revision(org.id, name, revision);
  if (!rec) {
    throw new CairnError("NOT_FOUND", `policy ${name} has no revision ${revision} (latest: ${latest.revision})`, {
      hint: `pass --revision from 1 to ${latest.revision}, or leave it out for the latest`,
    });
  }
  return rec;
}

/** sha256 of the document as canonical JSON: the same policy written differently gets the same value. */
function normalizedDigest(text: string): string {
  return `sha256:${createHash("sha256").update(canonicalJson(parseYaml(text))).digest("hex")}`;
}

function nameCursor(next: string): string {
  const [name, ...rest] = decodeCursor(next);
  if (typeof name !== "string" || rest.length > 0) {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`policy list\``, { hint: "pass the value printed by the previous page" });
  }
  return name;
}
