import { CairnError } from "../../errors.ts";

/**
 * The roles of API tokens (and so of web sessions) of `cairn serve`, least to most privileged. Each includes what
 * the ones before it may do; the token's scope (organization, project, workflow) narrows where it applies.
 * - viewer: read-only (dashboard, runs, statements, discover, downloads) inside its scope
 * - attestor: CI; `att init|add|status|push|reset` and artifact upload inside its scope, never a contract change
 * - maintainer: SecOps; contracts, workflows, policies, apply, signing keys, the audit trail
 * - admin: everything in its organization: tokens and organization settings too
 * Local mode (no server) is one person's machine: roles do not apply there.
 */
export const ROLES = ["viewer", "attestor", "maintainer", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What `org api-token create` makes without --role: least privilege for the common case, a CI job. */
export const DEFAULT_ROLE: Role = "attestor";

/** Roles that act on the organization's shared things (contracts, keys, tokens): never narrowed to a project. */
const ORGANIZATION_ROLES: readonly Role[] = ["maintainer", "admin"];

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** `--role` (or a request's `role` field) → a Role; anything else is USAGE listing the roles. */
export function parseRole(text: string, flag = "--role"): Role {
  if (!isRole(text)) throw new CairnError("USAGE", `${flag} ${JSON.stringify(text.slice(0, 40))} is not a role`, { hint: `use one of ${ROLES.join(", ")}` });
  return text;
}

/**
 * A role must make sense on its scope: maintainers and admins change what the whole organization shares (contracts
 * are used across projects), so a project or workflow scope would be a promise the server could not keep.
 */
export function checkRoleScope(role: Role, scope: { project?: string; workflow?: string }): void {
  if (!ORGANIZATION_ROLES.includes(role) || (scope.project === undefined && scope.workflow === undefined)) return;
  const narrowed = scope.workflow !== undefined ? "--workflow" : "--project";
  throw new CairnError("USAGE", `--role ${role} cannot be combined with ${narrowed}: ${role}s act on the whole organization (its contracts are shared by every project)`, {
    hint: "drop the scope for a maintainer or admin token, or use --role attestor or --role viewer for a project or workflow",
  });
}

/** The refusal for a role below what an action needs (403 FORBIDDEN): names the role needed, never the target. */
export function forbidden(what: string, needed: Role, has: Role): CairnError {
  return new CairnError("FORBIDDEN", `${what} needs the ${needed} role; this API token is a${has === "attestor" || has === "admin" ? "n" : ""} ${has}`, {
    hint: `ask an admin of the organization for a token with --role ${needed} (\`cairn org api-token create --role ${needed}\`)`,
    details: { needed, role: has },
  });
}

/** Who a `cairn serve` request speaks for (its API token); local commands have none. */
export interface Actor {
  tokenId: string;
  tokenName: string;
  role: Role;
}

/** What `created_by` columns and audit rows record: `token:<name>`, or `local` for a command on the store's machine. */
export function actorLabel(actor: Actor | undefined): string {
  return actor ? `token:${actor.tokenName}` : "local";
}
