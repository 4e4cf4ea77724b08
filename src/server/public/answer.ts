import { CairnError, httpStatusFor } from "../../errors.ts";

/**
 * The error body of the Sigstore-compatible routes: Fulcio's and timestamp-authority's `{code, message}` (what
 * sigstore-js and cosign print), with cairn's typed `error` beside it (what cairn's own client reads).
 */
export function sigstoreError(e: unknown): Response {
  const status = httpStatusFor(e);
  const ce = e instanceof CairnError ? e : undefined;
  const message = ce ? ce.message : "internal server error; the server log has the details";
  const error = ce ? { code: ce.code, message: ce.message, ...(ce.hint !== undefined && { hint: ce.hint }) } : { code: "INTERNAL", message };
  return new Response(`${JSON.stringify({ code: status, message, error })}\n`, { status, headers: { "Content-Type": "application/json" } });
}

/** `outcome` of an audit row for an error: `refused: CODE`, `error: CODE` for the server's own failures. */
export function outcomeOf(e: unknown): { outcome: string; status: number } {
  const status = httpStatusFor(e);
  const code = e instanceof CairnError ? e.code : "INTERNAL";
  return { outcome: `${status >= 500 ? "error" : "refused"}: ${code}`, status };
}
