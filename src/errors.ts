import { boundedDetails, boundedMessage } from "./bounded.ts";

/**
 * Typed errors with string codes. The core throws these; they are mapped to an exit code once
 * (exitCodeFor, used by main.ts) and to an HTTP status once (httpStatusFor, used by the server).
 */
export type ErrorCode =
  | "USAGE" // bad flags or arguments
  | "UNAUTHENTICATED" // missing, unknown, expired or revoked API token
  | "FORBIDDEN" // the API token's role may not do this (inside its scope; outside it things are NOT_FOUND)
  | "ALREADY_EXISTS" // a named thing (organization, token, workflow) already exists
  | "IN_USE" // a thing cannot be deleted while others use it (a contract of live workflows)
  | "NOT_FOUND" // a named thing (file, workflow, blob) does not exist
  | "CONTRACT_INVALID" // contract file is malformed or breaks the schema
  | "MATERIAL_UNKNOWN" // name not in the contract and no --kind given / unknown kind
  | "MATERIAL_INVALID" // content fails the kind's validation
  | "MATERIAL_EMPTY" // file is empty or value is blank
  | "ANNOTATION_MISSING" // required annotation has no value
  | "STATE_EXISTS" // init while a crafting state exists (no --replace)
  | "STATE_MISSING" // add/status/push before init
  | "STATE_INVALID" // state file unreadable or from a newer version
  | "STATE_CONFLICT" // a remote crafting state changed since it was read (optimistic lock; the CLI retries)
  | "RUNNER_MISMATCH" // contract requires another runner type
  | "ENV_MISSING" // allow-listed env var is not set
  | "MATERIALS_MISSING" // push with required materials missing
  | "KEY_INVALID" // key file unreadable or unsupported
  | "KEY_PASSWORD" // wrong or missing key password
  | "VERIFY_FAILED" // signature, predicate or subject check failed
  | "STORE_INVALID" // store from a newer version, or corrupt
  | "INTEGRITY" // a blob does not match its digest
  | "POLICY_GATE" // a gated policy has violations
  | "POLICY_INVALID" // a policy file is malformed: YAML, schema, CEL syntax/type error, unknown input
  | "TOO_LARGE" // a request body or blob is over its limit (`cairn serve`), or a contract/policy text over its parse budget
  | "NETWORK" // a registry or remote could not be reached, or kept failing, after retries
  | "CREDENTIAL_INVALID" // an OIDC ID token or proof of possession that does not verify (keyless issuance)
  | "NOT_CONFIGURED" // the server or home lacks what the request needs (no CA, no TSA): an operator's `cairn ca init`
  | "UNSUPPORTED_MEDIA_TYPE" // a request body of a Content-Type the route does not take
  | "IO"; // other filesystem errors

export interface ErrorOptions {
  /** What the user can do about it; printed after the message. */
  hint?: string;
  /** Structured detail for -o json and tests (e.g. the list of missing materials). */
  details?: unknown;
  cause?: unknown;
}

export class CairnError extends Error {
  override name = "CairnError";
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: unknown;

  /** Message, hint and the strings in details are bounded here (bounded.ts): they often quote untrusted input. */
  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(boundedMessage(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.hint = opts.hint === undefined ? undefined : boundedMessage(opts.hint);
    this.details = opts.details === undefined ? undefined : boundedDetails(opts.details);
  }
}

export function isCairnError(e: unknown, code?: ErrorCode): e is CairnError {
  return e instanceof CairnError && (code === undefined || e.code === code);
}

/** Exit codes: 0 ok, 1 error, 2 usage, 4 policy gate. */
export function exitCodeFor(e: unknown): number {
  if (!(e instanceof CairnError)) return 1;
  if (e.code === "USAGE") return 2;
  if (e.code === "POLICY_GATE") return 4;
  return 1;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  USAGE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ALREADY_EXISTS: 409,
  IN_USE: 409,
  NOT_FOUND: 404,
  CONTRACT_INVALID: 400,
  MATERIAL_UNKNOWN: 400,
  MATERIAL_INVALID: 422,
  MATERIAL_EMPTY: 422,
  ANNOTATION_MISSING: 422,
  STATE_EXISTS: 409,
  STATE_MISSING: 404,
  STATE_INVALID: 409,
  STATE_CONFLICT: 412,
  RUNNER_MISMATCH: 412,
  ENV_MISSING: 412,
  MATERIALS_MISSING: 422,
  KEY_INVALID: 400,
  KEY_PASSWORD: 401,
  VERIFY_FAILED: 422,
  STORE_INVALID: 500,
  INTEGRITY: 500,
  POLICY_GATE: 422,
  POLICY_INVALID: 422,
  TOO_LARGE: 413,
  NETWORK: 502,
  CREDENTIAL_INVALID: 401,
  NOT_CONFIGURED: 501,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IO: 500,
};

/** Whether a string (e.g. from a server's error body) is one of our codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(HTTP_STATUS, code);
}

export function httpStatusFor(e: unknown): number {
  return e instanceof CairnError ? HTTP_STATUS[e.code] : 500;
}
