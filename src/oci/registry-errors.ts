/** Turns registry answers and connection failures into CairnErrors that name the registry, repository and fix. */
import { CairnError } from "../errors.ts";

export interface ErrorContext {
  registry: string;
  repository?: string;
  method: string;
  /** e.g. "manifest sha256:…", "blob upload" */
  what: string;
  hasCredentials: boolean;
  insecureHttp: boolean;
}

/** `errors[].code: message` from a distribution-spec error body, or the raw text (truncated). */
export function registryErrorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      return parsed.errors.map((e) => `${e.code ?? "UNKNOWN"}: ${e.message ?? ""}`.trim()).join("; ");
    }
  } catch {
    // not JSON: fall through
  }
  return body.trim().slice(0, 200);
}

function where(c: ErrorContext): string {
  return `registry ${c.registry}${c.repository ? `, repository ${c.repository}` : ""}`;
}

export function authHint(c: ErrorContext): string {
  return c.hasCredentials
    ? "check the username and the password in --password-env (or the docker config entry), and that this user may push/pull here"
    : `set --username/--password-env or \`docker login ${c.registry}\` (cairn reads inline "auths" of the docker config.json; it does not run credential helpers)`;
}

export async function responseError(c: ErrorContext, res: Response): Promise<CairnError> {
  const text = registryErrorText(await res.text().catch(() => ""));
  const detail = text ? `: ${text}` : "";
  const msg = `${where(c)}: ${c.method} ${c.what} failed with ${res.status}${detail}`;
  const details = { registry: c.registry, repository: c.repository, status: res.status, errors: text };
  if (res.status === 401 || res.status === 403) return new CairnError("UNAUTHENTICATED", msg, { hint: authHint(c), details });
  if (res.status === 404) {
    return new CairnError("NOT_FOUND", msg, { hint: `check the repository name and that ${c.what} was pushed to ${c.registry}`, details });
  }
  const hint = res.status === 429 || res.status >= 500
    ? "the registry kept failing after retries; retry later or check its health"
    : "the registry refused the request; see its error above";
  return new CairnError("NETWORK", msg, { hint, details });
}

export function connectionError(c: ErrorContext, cause: unknown): CairnError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const hint = c.insecureHttp
    ? `is ${c.registry} reachable from here and serving plain http?`
    : `is ${c.registry} reachable? for a plain-http registry set CAIRN_INSECURE_REGISTRIES=${c.registry} (for a CAS backend: \`cairn cas-backend add --insecure-http\`)`;
  return new CairnError("NETWORK", `${where(c)}: ${c.method} ${c.what} could not connect: ${why}`, { hint, cause });
}
