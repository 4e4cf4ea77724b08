// Kubernetes AdmissionReview v1, the body of `POST /api/v1/admission`: the request parsed into what the decision
// needs, and the response the API server expects. Pure. Bodies are bounded here as well as by the server's
// --max-body: a caller with a token may post anything, so every field is type-checked and every list capped.
import { field, isObject, describe, malformed, podImages, runsPods, type ImageUse } from "./pod-images.ts";

export { MAX_CONTAINERS, runsPods, type ImageUse } from "./pod-images.ts";

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";

/** What the decision needs from an AdmissionReview request. */
export interface AdmissionRequestInfo {
  /** request.uid, echoed in the response (the API server matches on it). */
  uid: string;
  /** "" for cluster-scoped objects (which run no Pods). */
  namespace: string;
  /** request.kind.kind, e.g. "Deployment". */
  kind: string;
  /** request.kind.group: "" for the core group (Pod), "apps", "batch". */
  group: string;
  /** Absent on a CREATE with metadata.generateName. */
  name?: string;
  /** CREATE, UPDATE, DELETE or CONNECT. */
  operation: string;
  dryRun: boolean;
  /** Every container image of the Pod or pod template; [] for other kinds and for DELETE and CONNECT. */
  images: ImageUse[];
}

const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "CONNECT"];
const UID = /^[\x21-\x7e]{1,128}$/;
/** A namespace name: a DNS-1123 label. */
export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MAX_NAME = 253;
const KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
const GROUP = /^[a-z0-9.-]{0,253}$/;

/** Parses an AdmissionReview v1 body (already JSON-parsed). Malformed → CairnError("USAGE", message naming the field). */
export function parseAdmissionReview(body: unknown): AdmissionRequestInfo {
  if (!isObject(body)) throw malformed("body", `must be a JSON object, got ${describe(body)}`);
  const apiVersion = field(body, "apiVersion");
  if (apiVersion !== ADMISSION_API_VERSION) throw malformed("apiVersion", `must be "${ADMISSION_API_VERSION}", got ${describe(apiVersion)}`);
  const kind = field(body, "kind");
  if (kind !== "AdmissionReview") throw malformed("kind", `must be "AdmissionReview", got ${describe(kind)}`);
  const request = field(body, "request");
  if (!isObject(request)) throw malformed("request", `must be an object, got ${describe(request)}`);

  const uid = field(request, "uid");
  if (typeof uid !== "string" || !UID.test(uid)) throw malformed("request.uid", `must be 1 to 128 printable characters, got ${describe(uid)}`);
  const gvk = field(request, "kind");
  if (!isObject(gvk)) throw malformed("request.kind", `must be an object {group, version, kind}, got ${describe(gvk)}`);
  const objectKind = matching(field(gvk, "kind"), KIND, "request.kind.kind", "a kind name");
  const group = field(gvk, "group") === undefined ? "" : matching(field(gvk, "group"), GROUP, "request.kind.group", "an API group");
  const operation = field(request, "operation");
  if (typeof operation !== "string" || !OPERATIONS.includes(operation)) {
    throw malformed("request.operation", `must be one of ${OPERATIONS.join(", ")}, got ${describe(operation)}`);
  }
  const namespace = optionalString(request, "namespace");
  if (namespace !== undefined && !NAMESPACE_NAME.test(namespace)) throw malformed("request.namespace", `must be a namespace name, got ${describe(namespace)}`);
  if (namespace === undefined && runsPods(group, objectKind)) throw malformed("request.namespace", `is required for a ${objectKind}`);
  const name = optionalString(request, "name");
  if (name !== undefined && name.length > MAX_NAME) throw malformed("request.name", `must be at most ${MAX_NAME} characters`);
  const dryRun = field(request, "dryRun") ?? false;
  if (typeof dryRun !== "boolean") throw malformed("request.dryRun", `must be true or false, got ${describe(dryRun)}`);

  // DELETE carries only oldObject, CONNECT neither: nothing new would run.
  const checked = operation === "CREATE" || operation === "UPDATE";
  const info: AdmissionRequestInfo = {
    uid,
    namespace: namespace ?? "",
    kind: objectKind,
    group,
    operation,
    dryRun,
    images: checked ? podImages(group, objectKind, objectOf(request, group, objectKind)) : [],
  };
  if (name !== undefined && name !== "") info.name = name;
  return info;
}

function objectOf(request: Record<string, unknown>, group: string, kind: string): unknown {
  const object = field(request, "object");
  if (runsPods(group, kind) && !isObject(object)) throw malformed("request.object", `must be an object, got ${describe(object)}`);
  return object;
}

function matching(v: unknown, pattern: RegExp, at: string, what: string): string {
  if (typeof v !== "string" || !pattern.test(v)) throw malformed(at, `must be ${what}, got ${describe(v)}`);
  return v;
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = field(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw malformed(`request.${key}`, `must be a string, got ${describe(v)}`);
  return v;
}

/** `Deployment prod/web` (`Pod prod/(generated)` before a generated name exists): for audit targets and messages. */
export function describeRequest(info: Pick<AdmissionRequestInfo, "kind" | "namespace" | "name">): string {
  const ns = info.namespace === "" ? "" : `${info.namespace}/`;
  return `${info.kind} ${ns}${info.name ?? "(generated)"}`;
}

// The API server shows the message to whoever ran kubectl; warnings become HTTP Warning headers, which it truncates
// past 256 characters and stops adding past 4096 in all (Kubernetes docs, "Response" / warnings).
export const MAX_MESSAGE = 1024;
export const MAX_WARNING = 256;
export const MAX_WARNINGS = 16;

/** A full AdmissionReview v1 response. A denial without `code` is 403 Forbidden. */
export function admissionResponse(uid: string, allowed: boolean, message: string, opts: { code?: number; warnings?: string[] } = {}): object {
  const response: Record<string, unknown> = { uid, allowed };
  const text = clip(message, MAX_MESSAGE);
  const code = opts.code ?? (allowed ? undefined : 403);
  if (!allowed || text !== "" || code !== undefined) {
    response.status = { ...(code !== undefined && { code }), ...(text !== "" && { message: text }) };
  }
  const warnings = (opts.warnings ?? []).slice(0, MAX_WARNINGS).map((w) => clip(w, MAX_WARNING)).filter((w) => w !== "");
  if (warnings.length > 0) response.warnings = warnings;
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response };
}

/** One line of at most `max` characters: control characters become spaces; cut text ends with "…". */
export function clip(s: string, max: number): string {
  const line = s.slice(0, max * 4).replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  if (line.length <= max) return line;
  let cut = line.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
