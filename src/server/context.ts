import type { AdmissionConfig } from "../admission/config.ts";
import type { ServiceDeps } from "../services/deps.ts";
import type { Scope } from "../store/ports.ts";
import type { TrustServices } from "./trust.ts";
import type { Principal } from "./web-seam.ts";

/** Server limits (flags of `cairn serve`). */
export interface Limits {
  /** JSON and text request bodies. */
  maxBodyBytes: number;
  /** CAS blobs, unless the organization has its own organizations.max_blob_bytes. */
  maxBlobBytes: number;
}

/** What a route handler gets: the request, its path parameters, and services scoped to the caller. */
export interface RequestContext {
  req: Request;
  url: URL;
  params: Record<string, string>;
  principal: Principal;
  /** Deps whose config.organization is the principal's organization. */
  deps: ServiceDeps;
  /** The principal's project/workflow scope; undefined for organization-level tokens. */
  scope?: Scope;
  /** Unscoped deps, for the admin's cross-organization operations (creating organizations and their tokens). */
  app: ServiceDeps;
  limits: Limits;
  /** The server's public URL (`--public-url`, default the listen URL), no trailing slash: its OIDC issuer. */
  publicUrl: string;
  /** The web operator view's base URL (the public URL) when the server has one: push answers name the run's page. */
  webUrl?: string;
  /** The CA, TSA and OIDC issuer of this server (absent parts: not configured). */
  trust: TrustServices;
  /** `cairn serve --admission-config`: the admission webhook's policies (absent: the route answers NOT_CONFIGURED). */
  admission?: AdmissionConfig;
  /**
   * What the audit row names as the target; handlers set it when the body names the thing (a token's name, a run).
   * `outcome`: a decision that is answered 200 but is a refusal (an admission denial), as `refused: CODE`.
   */
  audit: { target?: string; outcome?: string };
  /** Contract or policy text from the body, parsed on a worker first: TOO_LARGE when that is slow (parse-vet.ts). */
  vetText(text: string | undefined, what: string): Promise<void>;
}

export type Handler = (ctx: RequestContext) => Promise<Response> | Response;
