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
