import { createHash, randomBytes } from "node:crypto";
import { parseDuration } from "../../config.ts";
import { CairnError, type ErrorCode } from "../../errors.ts";
import type { TokenRecord, TokenStatus } from "../../store/org-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";
import { checkName } from "./orgs.ts";
import { actorLabel, checkRoleScope, DEFAULT_ROLE, forbidden, parseRole, roleAtLeast, type Role } from "./roles.ts";

/** A token as lists show it: never the secret, never its hash. */
export interface TokenView {
  id: string;
  name: string;
  description: string | null;
  project: string | null;
  workflow: string | null;
  /** The instance admin token of `cairn serve`. */
  admin: boolean;
  role: Role;
  /** `token:<name>` or `local`; null for tokens made before roles existed. */
  createdBy: string | null;
  status: TokenStatus;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface TokenCreateInput {
  name: string;
  project?: string;
  workflow?: string;
  /** A duration ("24h", "30d"); absent: the token does not expire. */
  expiration?: string;
  description?: string;
  /** `--role`; default attestor (least privilege). Checked against the scope. */
  role?: string;
  /** Only `cairn serve`'s first start makes one (never from a request). */
  admin?: boolean;
}

/** The secret appears here and nowhere else, ever. */
export interface CreatedToken extends TokenView {
  token: string;
}

/** Who a presented token speaks for (the server scopes its requests with this). */
export interface TokenIdentity {
  tokenId: string;
  tokenName: string;
  role: Role;
  orgId: string;
  orgName: string;
  admin: boolean;
  projectId?: string;
  workflowId?: string;
}

export const TOKEN_STATUSES = ["active", "revoked", "expired", "all"] as const;
export type TokenStatusFilter = (typeof TOKEN_STATUSES)[number];

const TOKEN_RE = /^cairn_[A-Za-z0-9_-]{43}$/;
const AUTH_FAILED: ErrorCode = "UNAUTHENTICATED";
const LAST_USED_PRECISION_MS = 60_000;

/** sha256 hex of the whole token string: what api_tokens.token_hash holds. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function tokenStatus(t: Pick<TokenRecord, "revokedAt" | "expiresAt">, now: string): TokenStatus {
  if (t.revokedAt) return "revoked";
  return t.expiresAt !== null && t.expiresAt <= now ? "expired" : "active";
}

function toView(t: TokenRecord, now: string): TokenView {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    project: t.project,
    workflow: t.workflow,
    admin: t.admin,
    role: t.role,
    createdBy: t.createdBy,
    status: tokenStatus(t, now),
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
  };
}

/**
 * `org api-token create`: a `cairn_<43 base64url chars>` secret (32 random bytes) with one role, optionally scoped to a
 * project or one of its workflows in the current organization. Only sha256(token) is stored; the secret is returned once.
 */
export async function createToken(deps: ServiceDeps, input: TokenCreateInput): Promise<CreatedToken> {
  const name = checkName(input.name, "--name");
  if (input.workflow !== undefined && input.project === undefined) {
    throw new CairnError("USAGE", "--workflow needs --project: workflow names are unique per project", { hint: "add --project PROJECT" });
  }
  const role = input.admin ? "admin" : parseRole(input.role ?? DEFAULT_ROLE);
  checkRoleScope(role, input);
  // The routes already need an admin; this keeps any caller from minting a token above its own role.
  if (deps.actor && !roleAtLeast(deps.actor.role, role)) throw forbidden(`creating a token with --role ${role}`, role, deps.actor.role);
  const ttl = input.expiration === undefined ? undefined : parseDuration(input.expiration, "--expiration");
  if (ttl === 0) throw new CairnError("USAGE", "--expiration must be longer than 0", { hint: "write e.g. 24h or 30d" });
  const nowDate = deps.clock.now();
  const now = nowDate.toISOString();
  const token = `cairn_${randomBytes(32).toString("base64url")}`;
  const id = crypto.randomUUID();
  const orgId = await deps.repo.transaction(async () => {
    const org = await deps.repo.ensureOrg(deps.config.organization, now);
    let projectId: string | null = null;
    let workflowId: string | null = null;
    if (input.project !== undefined) {
      const project = await deps.orgs.findProject(org.id, input.project);
      if (!project) throw notFound(`project ${input.project}`, org.name);
      projectId = project.id;
      if (input.workflow !== undefined) {
        const wf = await deps.repo.findWorkflow(org.id, input.project, input.workflow);
        if (!wf) throw notFound(`workflow ${input.workflow} in project ${input.project}`, org.name);
        workflowId = wf.id;
      }
    }
    if (await deps.orgs.findLiveTokenByName(org.id, name, now)) {
      throw new CairnError("ALREADY_EXISTS", `an active API token named ${name} already exists`, { hint: "pick another name, or revoke the old token first" });
    }
    const expiresAt = ttl === undefined ? null : new Date(nowDate.getTime() + ttl).toISOString();
    const description = input.description ?? null;
    await deps.orgs.insertToken({ id, orgId: org.id, name, description, projectId, workflowId, tokenHash: tokenHash(token), createdAt: now, expiresAt, admin: input.admin === true, role, createdBy: actorLabel(deps.actor) });
    return org.id;
  });
  const stored = (await deps.orgs.getToken(orgId, id))!;
  return { ...toView(stored, now), token };
}

function notFound(what: string, org: string): CairnError {
  return new CairnError("NOT_FOUND", `${what} does not exist in organization ${org}`, {
    hint: "check the name (see `cairn workflow list`), or switch organization with `cairn org set`",
  });
}

/** `org api-token list`: newest first, active ones by default. */
export async function listTokens(deps: ServiceDeps, input: { status?: string; limit?: number; next?: string }): Promise<Page<TokenView>> {
  const filter = (input.status ?? "active") as TokenStatusFilter;
  if (!TOKEN_STATUSES.includes(filter)) {
    throw new CairnError("USAGE", `--status ${JSON.stringify(input.status)} is not a token status`, { hint: `use one of ${TOKEN_STATUSES.join(", ")}` });
  }
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const after = input.next === undefined ? undefined : tokenCursor(input.next);
  const org = await deps.repo.findOrg(deps.config.organization);
  if (!org) return { items: [] };
  const now = deps.clock.now().toISOString();
  const rows = await deps.orgs.listTokens({ orgId: org.id, status: filter === "all" ? undefined : filter, now, limit: limit + 1, after });
  return toPage(rows.map((t) => toView(t, now)), limit, (t) => [t.createdAt, t.id]);
}

function tokenCursor(next: string): { createdAt: string; id: string } {
  const [createdAt, id, ...rest] = decodeCursor(next);
  if (typeof createdAt !== "string" || typeof id !== "string" || rest.length > 0) {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`org api-token list\``, { hint: "pass the value printed by the previous page" });
  }
  return { createdAt, id };
}

/** `org api-token revoke`: sets revoked_at. Revoking a revoked token changes nothing and says so. */
export async function revokeToken(deps: ServiceDeps, input: { id: string }): Promise<TokenView & { alreadyRevoked: boolean }> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const t = org && await deps.orgs.getToken(org.id, input.id);
    if (!t) {
      throw new CairnError("NOT_FOUND", `API token ${input.id} does not exist in organization ${deps.config.organization}`, {
        hint: "list tokens with `cairn org api-token list --status all`",
      });
    }
    if (t.revokedAt) return { ...toView(t, now), alreadyRevoked: true };
    await deps.orgs.revokeToken(t.id, now);
    return { ...toView((await deps.orgs.getToken(t.orgId, t.id))!, now), alreadyRevoked: false };
  }).finally(() => deps.tokenCache?.revoked(input.id)); // this replica at once; the others by the store's notice
}

/**
 * Resolves a presented token to its organization and scope, refusing unknown, revoked and expired tokens (and
 * tokens scoped to a since-deleted workflow), and records when it was last used. For `cairn serve`.
 */
export async function authenticateToken(deps: ServiceDeps, token: string): Promise<TokenIdentity> {
  const fail = (reason: string): never => {
    throw new CairnError(AUTH_FAILED, `API token ${reason}`, { hint: "create a new one with `cairn org api-token create`", details: { reason } });
  };
  if (!TOKEN_RE.test(token)) fail("is malformed");
  const hash = tokenHash(token);
  const cache = deps.tokenCache;
  const gen = cache?.generation() ?? 0;
  const cached = cache?.get(hash);
  let t = cached ?? (await deps.orgs.findTokenByHash(hash)) ?? fail("is not known");
  const now = deps.clock.now().toISOString();
  const status = tokenStatus(t, now); // per request, cached or not: expires_at holds to the millisecond
  if (status !== "active") fail(`is ${status}`);
  if (t.workflowDeleted) fail("is scoped to a deleted workflow");
  // last_used_at is for humans ("is this token still used?"): minute precision saves a write commit per request
  // (per replica: a cached record carries the time this process last wrote).
  if (t.lastUsedAt === null || Date.parse(now) - Date.parse(t.lastUsedAt) >= LAST_USED_PRECISION_MS) {
    await deps.orgs.touchToken(t.id, now);
    t = { ...t, lastUsedAt: now };
  }
  if (cache && t !== cached) cache.put(hash, t, gen); // not if a drop came meanwhile: the read may predate a revocation
  return { tokenId: t.id, tokenName: t.name, role: t.role, orgId: t.orgId, orgName: t.orgName, admin: t.admin, ...(t.projectId ? { projectId: t.projectId } : {}), ...(t.workflowId ? { workflowId: t.workflowId } : {}) };
}
