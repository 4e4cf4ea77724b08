import type { Role } from "../services/control/roles.ts";
import type { ServiceDeps } from "../services/deps.ts";

/**
 * Who a request speaks for: the token's organization, role and scope. Things outside the scope are 404 (as if absent);
 * inside it, an action above the role is 403.
 */
export interface Principal {
  tokenId: string;
  tokenName: string;
  role: Role;
  orgId: string;
  /** The organization's name: services are scoped by giving them `config.organization = orgName`. */
  orgName: string;
  projectId?: string;
  workflowId?: string;
  /** The instance admin token (printed at first start) may create organizations. */
  admin: boolean;
}

/**
 * The seam between the HTTP server and the web operator view: the server calls the web handler for every path
 * outside `/api/`, with deps already scoped to the principal's organization when the request carried a valid
 * session (cookie `cairn_session`, holding the token, set by the web handler's /login). Returning undefined means
 * "not a web path" (the server answers 404).
 */
export type WebHandler = (req: Request, ctx: WebContext) => Promise<Response | undefined>;

export interface WebContext {
  /** Unscoped deps: for /login, to authenticate the token the form posts. */
  app: ServiceDeps;
  /** Present when the session cookie holds a valid token: deps scoped to its organization. */
  session?: { principal: Principal; deps: ServiceDeps };
}

export const SESSION_COOKIE = "cairn_session";
