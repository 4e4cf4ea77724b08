import { createHash } from "node:crypto";
import { CairnError, httpStatusFor } from "../errors.ts";

/** JSON responses, the error body, and request bodies read under a size limit. */

export const JSON_TYPE = "application/json; charset=utf-8";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}

export interface ErrorBody {
  error: { code: string; message: string; hint?: string; details?: unknown };
}

/**
 * A CairnError as `{"error": {...}}` with its mapped status. Anything else is a bug: the caller logs it, and the
 * client gets a generic 500 that says nothing about the internals.
 */
export function errorResponse(e: unknown): Response {
  if (!(e instanceof CairnError)) {
    return json(500, { error: { code: "INTERNAL", message: "internal server error; the server log has the details" } });
  }
  const body: ErrorBody = { error: { code: e.code, message: e.message } };
  if (e.hint !== undefined) body.error.hint = e.hint;
  if (e.details !== undefined) body.error.details = e.details;
  const headers: Record<string, string> = e.code === "UNAUTHENTICATED" ? { "WWW-Authenticate": 'Bearer realm="cairn"' } : {};
  return json(httpStatusFor(e), body, headers);
}

/** Reads the whole body as text, refusing (413) a declared or actual size over `max` without reading further. */
/** The exact body bytes, refused (413) past `max` whether declared or streamed. */
export async function readBytes(req: Request, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  if (!req.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of req.body) {
    total += chunk.length;
    if (total > max) throw tooLarge(max);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export async function readText(req: Request, max: number): Promise<string> {
  const bytes = await readBytes(req, max);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CairnError("USAGE", "the request body is not valid UTF-8", { hint: "send UTF-8 text" });
  }
}

function tooLarge(max: number): CairnError {
  return new CairnError("TOO_LARGE", `the request body is larger than the limit of ${max} bytes`, {
    hint: "send a smaller body, or ask the operator to raise `cairn serve --max-body`",
    details: { maxBytes: max },
  });
}

/** The body as a JSON object (an empty body is `{}`); anything else is 400. */
export async function readJsonObject(req: Request, max: number): Promise<Record<string, unknown>> {
  const text = await readText(req, max);
  if (text.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CairnError("USAGE", `the request body is not valid JSON: ${(e as Error).message}`, { hint: 'send a JSON object, e.g. {"name": "build"}' });
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new CairnError("USAGE", "the request body must be a JSON object", { hint: 'send a JSON object, e.g. {"name": "build"}' });
  }
  return v as Record<string, unknown>;
}

/** Typed access to body fields: a wrong type is a 400 naming the field. */
export function field(body: Record<string, unknown>, name: string, required: true): string;
export function field(body: Record<string, unknown>, name: string, required?: false): string | undefined;
export function field(body: Record<string, unknown>, name: string, required = false): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw new CairnError("USAGE", `field ${name} is required`, { hint: `add "${name}": "…" to the JSON body` });
    return undefined;
  }
  if (typeof v !== "string") throw new CairnError("USAGE", `field ${name} must be a string`, { hint: `send "${name}" as a JSON string` });
  return v;
}

export function boolField(body: Record<string, unknown>, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new CairnError("USAGE", `field ${name} must be true or false`, { hint: `send "${name}": true` });
  return v;
}

/** `?limit=` and friends as numbers; the services check the range. */
export function numberParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new CairnError("USAGE", `query parameter ${name}=${JSON.stringify(v.slice(0, 40))} is not a whole number`, { hint: `e.g. ?${name}=50` });
  return Number(v);
}

export function stringParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v.length > 1024) throw new CairnError("USAGE", `query parameter ${name} is longer than 1024 characters`, { hint: "pass the value a previous response gave" });
  return v;
}

export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === "false") return false;
  if (v === "true" || v === "") return true;
  throw new CairnError("USAGE", `query parameter ${name}=${JSON.stringify(v.slice(0, 40))} must be true or false`, { hint: `e.g. ?${name}=true` });
}

/**
 * A blob's bytes for a response, re-hashed as they go: storage is not trusted (BlobStream is unverified), and a
 * status cannot change once sent, so a mismatch errors the stream instead of completing it. One chunk is pulled per
 * read (the client's pace, nothing buffered).
 */
export function verifiedStream(digest: string, chunks: AsyncIterable<Uint8Array>, fsck = "`cairn store fsck`"): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const hash = createHash("sha256");
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (!next.done) {
        hash.update(next.value);
        controller.enqueue(next.value.slice()); // the store reuses its buffers: hand out a copy
        return;
      }
      const actual = `sha256:${hash.digest("hex")}`;
      if (actual === digest) controller.close();
      else controller.error(new CairnError("INTEGRITY", `blob ${digest} is corrupt: its content hashes to ${actual}`, { hint: `run ${fsck}` }));
    },
    async cancel() {
      await it.return?.();
    },
  });
}
