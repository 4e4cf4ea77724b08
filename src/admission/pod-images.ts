// The container images of a Kubernetes object that runs Pods: a Pod, a pod template of a workload, a CronJob's job
// template. Pure: reads an already JSON-parsed object; every wrong shape is a USAGE error naming the field.
import { CairnError } from "../errors.ts";

/** One container's image, where the spec says it. */
export interface ImageUse {
  /** The image as written in the spec (not normalized, not resolved). */
  image: string;
  /** The container's name. */
  container: string;
  /** Where it is, e.g. `spec.template.spec.initContainers[0].image`. */
  path: string;
}

/**
 * Where each kind keeps its PodSpec, by API group and kind (a custom resource that reuses a built-in kind name in
 * another group is not a workload here: the Pods it creates are admitted on their own).
 */
const POD_SPEC_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  ["/Pod", ["spec"]],
  ["/PodTemplate", ["template", "spec"]],
  ["/ReplicationController", ["spec", "template", "spec"]],
  ["apps/Deployment", ["spec", "template", "spec"]],
  ["apps/ReplicaSet", ["spec", "template", "spec"]],
  ["apps/StatefulSet", ["spec", "template", "spec"]],
  ["apps/DaemonSet", ["spec", "template", "spec"]],
  ["batch/Job", ["spec", "template", "spec"]],
  ["batch/CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]],
]);

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** A Pod may not have this many containers in practice; a body that does is an attack or a bug. */
export const MAX_CONTAINERS = 256;
const MAX_IMAGE_CHARS = 1024;
const MAX_NAME_CHARS = 253;

/** Whether objects of this group and kind run Pods (so their images are checked). */
export function runsPods(group: string, kind: string): boolean {
  return POD_SPEC_PATHS.has(`${group}/${kind}`);
}

/** The images of every container, init container and ephemeral container; [] for kinds that run no Pods. */
export function podImages(group: string, kind: string, object: unknown): ImageUse[] {
  const specPath = POD_SPEC_PATHS.get(`${group}/${kind}`);
  if (specPath === undefined) return [];
  let spec: unknown = object;
  const at: string[] = [];
  for (const key of specPath) {
    at.push(key);
    spec = field(spec, key);
    if (!isObject(spec)) throw malformed(`request.object.${at.join(".")}`, `must be an object for a ${kind}, got ${describe(spec)}`);
  }
  const prefix = specPath.join(".");
  const lists = CONTAINER_LISTS.map((name) => {
    const list = field(spec, name);
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw malformed(`request.object.${prefix}.${name}`, `must be a list, got ${describe(list)}`);
    return list;
  });
  const total = lists.reduce((n, l) => n + l.length, 0);
  if (total > MAX_CONTAINERS) {
    throw malformed(`request.object.${prefix}`, `has ${total} containers, more than the ${MAX_CONTAINERS} cairn checks`);
  }
  const out: ImageUse[] = [];
  lists.forEach((list, i) => {
    list.forEach((c: unknown, j) => out.push(imageUse(c, `${prefix}.${CONTAINER_LISTS[i]}[${j}]`)));
  });
  return out;
}

function imageUse(c: unknown, path: string): ImageUse {
  if (!isObject(c)) throw malformed(`request.object.${path}`, `must be an object, got ${describe(c)}`);
  const name = field(c, "name");
  if (typeof name !== "string" || name === "" || name.length > MAX_NAME_CHARS) {
    throw malformed(`request.object.${path}.name`, `must be a container name (1 to ${MAX_NAME_CHARS} characters), got ${describe(name)}`);
  }
  // An empty image is refused, not skipped: what would run is decided later (a controller's default), unchecked.
  const image = field(c, "image");
  if (typeof image !== "string" || image.trim() === "" || image.length > MAX_IMAGE_CHARS) {
    throw malformed(`request.object.${path}.image`, `must be an image reference (1 to ${MAX_IMAGE_CHARS} characters), got ${describe(image)}`);
  }
  return { image, container: name, path: `${path}.image` };
}

/** An own property only: a body's `__proto__` or `constructor` keys are data, never the prototype's. */
export function field(o: unknown, key: string): unknown {
  return isObject(o) && Object.hasOwn(o, key) ? o[key] : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What a JSON value is, for "must be a list, got a string"; short, never the value itself (it may be huge). */
export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return v === "" ? "an empty string" : v.length > 64 ? "a string too long" : JSON.stringify(v);
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

export function malformed(field: string, problem: string): CairnError {
  return new CairnError("USAGE", `AdmissionReview ${field} ${problem}`, {
    hint: "send an admission.k8s.io/v1 AdmissionReview as the Kubernetes API server does (admissionReviewVersions: [v1])",
    details: { field },
  });
}
