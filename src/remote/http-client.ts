import { CairnError, isErrorCode } from "../errors.ts";
import type { RemoteConfig } from "../config.ts";
import { caPem, connectionError } from "./tls.ts";

export interface RequestOptions {
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  raw?: RequestInit["body"];
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
}

/**
 * The one HTTP client of `cairn serve` (the remote CLI's transport): bearer token, JSON in and out, and the server's
 * `{"error": {...}}` turned back into the same CairnError the service threw, so remote mode prints and exits exactly
 * as local mode does. Only ever talks to the configured control plane, trusting only its --control-plane-ca if given.
 */
export class RemoteClient {
  /** Read once, when the client is made: a missing or malformed CA is a USAGE error before any request. */
  private readonly tls: { ca: string } | undefined;

  constructor(
    readonly config: RemoteConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.tls = config.ca ? { ca: caPem(config.ca) } : undefined;
  }

  /** A JSON call; returns the decoded body (undefined for 204). Warnings the server sent are passed to `warn`. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}, warn?: (m: string) => void): Promise<T> {
    const res = await this.send(method, path, opts);
    // Each warning is URI-encoded by the server, so the ", " that joins repeated headers never occurs inside one.
    for (const w of res.headers.get("cairn-warning")?.split(", ") ?? []) if (w && warn) warn(decodeURIComponent(w));
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /** A call whose successful body is not JSON (bundles, blobs): the Response, already checked for errors. */
  async send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.config.url + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Authorization: `Bearer ${this.config.token}`, ...opts.headers };
    let body = opts.raw;
    if (body === undefined && opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["Content-Type"] = "application/json";
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, body, redirect: "error", ...(this.tls && { tls: this.tls }) });
    } catch (e) {
      throw connectionError(e, this.config.url, this.config.ca);
    }
    if (!res.ok) throw await toError(res, this.config.url);
    return res;
  }
}

async function toError(res: Response, base: string): Promise<CairnError> {
  const text = await res.text();
  let err: { code?: string; message?: string; hint?: string; details?: unknown } | undefined;
  try {
    err = (JSON.parse(text) as { error?: typeof err }).error;
  } catch {
    err = undefined;
  }
  if (err?.code && isErrorCode(err.code) && typeof err.message === "string") {
    return new CairnError(err.code, err.message, { hint: err.hint, details: err.details });
  }
  const sigstore = sigstoreError(text);
  if (sigstore) {
    const code = res.status === 401 ? "CREDENTIAL_INVALID" : res.status === 501 ? "NOT_CONFIGURED" : res.status === 413 ? "TOO_LARGE" : res.status >= 500 ? "IO" : "USAGE";
    return new CairnError(code, `${base} refused: ${sigstore.message}`);
  }
  return new CairnError("IO", `the control plane at ${base} answered ${res.status} ${res.statusText}`, {
    hint: "check that --control-plane points at a `cairn serve`; its log has the details",
  });
}

/** The grpc-gateway / timestamp-authority error body of the Sigstore-compatible routes: `{"code": 400, "message": "…"}`. */
function sigstoreError(text: string): { message: string } | undefined {
  try {
    const b = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof b.code === "number" && typeof b.message === "string") return { message: b.message.slice(0, 500) };
  } catch {
    return undefined;
  }
  return undefined;
}
