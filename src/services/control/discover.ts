import { CairnError } from "../../errors.ts";
import type { RunState, Scope, StoredReferrer } from "../../store/ports.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, encodeCursor } from "../pagination.ts";
import { currentOrgId, runPolicyStatus, type RunPolicyStatus } from "./runs.ts";

export interface DiscoverInput {
  /** "sha256:<hex>", or "sha1:<hex>" for a git commit. */
  digest: string;
  kind?: string;
  limit?: number;
  next?: string;
  /** An API token's scope (`cairn serve`): only nodes of its runs' attestations. */
  scope?: Scope;
}

/** The run that produced an attestation node (absent for attestations only known as someone's material). */
export interface NodeRun {
  id: string;
  workflow: string;
  project: string;
  state: RunState;
  /** The attestation's policy verdict (`unknown` when recorded before verdicts were stored). */
  policyStatus: RunPolicyStatus | null;
}

export interface DiscoverNode {
  digest: string;
  kind: string;
  downloadable: boolean;
  metadata: Record<string, string>;
  createdAt: string;
  run?: NodeRun;
}

/** A node with its neighbours: what it references (attestation → materials) and what references it. */
export interface DiscoverResult extends DiscoverNode {
  references: DiscoverNode[];
  referredBy: DiscoverNode[];
  /** Cursor for the next page of either list; absent when both are complete. */
  next?: string;
}

const DIGEST_RE = /^(sha256:[0-9a-f]{64}|sha1:[0-9a-f]{40})$/;
/** A cursor position meaning "this list is already complete". */
const DONE = -1;

/**
 * `discover`: the referrer graph around a digest, both ways. Each list is paged by node id; one cursor carries
 * both positions, so a page holds up to `limit` entries of each.
 */
export async function discover(deps: ServiceDeps, input: DiscoverInput): Promise<DiscoverResult> {
  const digest = input.digest.trim().toLowerCase();
  if (!DIGEST_RE.test(digest)) {
    throw new CairnError("USAGE", `${JSON.stringify(input.digest)} is not a digest`, {
      hint: "write sha256:<64 hex> for files and attestations, sha1:<40 hex> for git commits",
    });
  }
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const [afterRefs, afterBy] = input.next === undefined ? [0, 0] : discoverCursor(input.next);
  const orgId = (await currentOrgId(deps)) ?? ""; // no organization yet: nothing matches
  const node = pickNode(await deps.referrers.find(orgId, digest, input.scope), digest, input.kind, deps.config.organization);
  const page = async (direction: "references" | "referredBy", after: number) =>
    after === DONE ? [] : await deps.referrers.neighbours(node.id, direction, limit + 1, after, input.scope);
  const refs = await page("references", afterRefs);
  const by = await page("referredBy", afterBy);
  const more = (rows: StoredReferrer[]) => (rows.length > limit ? rows[limit - 1]!.id : DONE);
  const cursor = [more(refs), more(by)];
  const attach = await withRuns(deps, orgId, input.scope, [node, ...refs.slice(0, limit), ...by.slice(0, limit)]);
  return {
    ...attach(node),
    references: refs.slice(0, limit).map(attach),
    referredBy: by.slice(0, limit).map(attach),
    ...(cursor.some((c) => c !== DONE) ? { next: encodeCursor(cursor) } : {}),
  };
}

function pickNode(nodes: StoredReferrer[], digest: string, kind: string | undefined, org: string): StoredReferrer {
  const want = kind?.toUpperCase();
  const matching = want === undefined ? nodes : nodes.filter((n) => n.kind === want);
  if (matching.length === 0) {
    const other = want !== undefined && nodes.length > 0 ? ` (it is recorded as ${nodes.map((n) => n.kind).join(", ")})` : "";
    throw new CairnError("NOT_FOUND", `nothing with digest ${digest}${want ? ` of kind ${want}` : ""} in organization ${org}${other}`, {
      hint: "attestations are indexed when pushed; check the digest, or CAIRN_ORG",
    });
  }
  if (matching.length > 1) {
    const kinds = matching.map((n) => n.kind);
    throw new CairnError("USAGE", `digest ${digest} is recorded as several kinds: ${kinds.join(", ")}`, {
      hint: `choose one with --kind (e.g. --kind ${kinds[0]})`,
      details: { kinds },
    });
  }
  return matching[0]!;
}

/** Attestation nodes gain their run (one query for the page via workflow_runs.attestation_digest; provenance by its row). */
async function withRuns(deps: ServiceDeps, orgId: string, scope: Scope | undefined, nodes: StoredReferrer[]): Promise<(n: StoredReferrer) => DiscoverNode> {
  const digests = [...new Set(nodes.filter((n) => n.kind === "ATTESTATION").map((n) => n.digest))];
  const runs = new Map((await deps.runs.byAttestation(orgId, digests, scope)).map((r) => [r.attestationDigest!, r]));
  // An attestation that accompanies a run's own (its SLSA provenance) belongs to that run too.
  for (const d of digests.filter((x) => !runs.has(x))) {
    const a = await deps.repo.findAttestation(d);
    const r = a && a.orgId === orgId ? await deps.runs.get(orgId, a.runId, scope) : undefined;
    if (r) runs.set(d, r);
  }
  return (n) => {
    const r = n.kind === "ATTESTATION" ? runs.get(n.digest) : undefined;
    const base: DiscoverNode = { digest: n.digest, kind: n.kind, downloadable: n.downloadable, metadata: n.metadata, createdAt: n.createdAt };
    return r ? { ...base, run: { id: r.id, workflow: r.workflow, project: r.project, state: r.state, policyStatus: runPolicyStatus(r) } } : base;
  };
}

function discoverCursor(next: string): [number, number] {
  const key = decodeCursor(next);
  if (key.length === 2 && key.every((k) => typeof k === "number" && Number.isInteger(k) && k >= DONE)) return key as [number, number];
  throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`discover\``, {
    hint: "pass the value printed as `next` by the previous page",
  });
}
