import { describe, expect, test } from "bun:test";
import { CairnError } from "../errors.ts";
import { admissionResponse, clip, describeRequest, MAX_CONTAINERS, MAX_MESSAGE, parseAdmissionReview } from "./review.ts";

type Json = Record<string, unknown>;

const podSpec = (): Json => ({
  containers: [{ name: "app", image: "registry.example.com/team/app@sha256:" + "a".repeat(64) }, { name: "side", image: "busybox:1.36" }],
  initContainers: [{ name: "init", image: "registry.example.com/team/init:1" }],
  ephemeralContainers: [{ name: "debug", image: "ghcr.io/acme/debug:latest" }],
});

function review(kind: Json, object: unknown, extra: Json = {}): Json {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: { uid: "705ab4f5-6393-11e8-b7cc-42010a800002", kind, namespace: "prod", name: "web", operation: "CREATE", object, ...extra },
  };
}

/** The USAGE error's message, failing the test if nothing is thrown. */
function usage(body: unknown): string {
  try {
    parseAdmissionReview(body);
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe("USAGE");
    return (e as Error).message;
  }
  throw new Error("accepted a malformed review");
}

const EXPECTED_IMAGES = (prefix: string) => [
  { image: "registry.example.com/team/app@sha256:" + "a".repeat(64), container: "app", path: `${prefix}.containers[0].image` },
  { image: "busybox:1.36", container: "side", path: `${prefix}.containers[1].image` },
  { image: "registry.example.com/team/init:1", container: "init", path: `${prefix}.initContainers[0].image` },
  { image: "ghcr.io/acme/debug:latest", container: "debug", path: `${prefix}.ephemeralContainers[0].image` },
];

describe("parseAdmissionReview: workload kinds", () => {
  const template = { spec: { template: { spec: podSpec() } } };
  const cases: [string, string, unknown, string][] = [
    ["", "Pod", { spec: podSpec() }, "spec"],
    ["", "PodTemplate", { template: { spec: podSpec() } }, "template.spec"],
    ["", "ReplicationController", template, "spec.template.spec"],
    ["apps", "Deployment", template, "spec.template.spec"],
    ["apps", "ReplicaSet", template, "spec.template.spec"],
    ["apps", "StatefulSet", template, "spec.template.spec"],
    ["apps", "DaemonSet", template, "spec.template.spec"],
    ["batch", "Job", template, "spec.template.spec"],
    ["batch", "CronJob", { spec: { jobTemplate: { spec: { template: { spec: podSpec() } } } } }, "spec.jobTemplate.spec.template.spec"],
  ];
  for (const [group, kind, object, prefix] of cases) {
    test(`${group || "core"}/${kind}: containers, init and ephemeral containers, with their paths`, () => {
      const info = parseAdmissionReview(review({ group, version: "v1", kind }, object));
      expect(info).toEqual({
        uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
        namespace: "prod",
        kind,
        group,
        name: "web",
        operation: "CREATE",
        dryRun: false,
        images: EXPECTED_IMAGES(prefix),
      });
    });
  }

  test("UPDATE is checked like CREATE; dryRun is reported", () => {
    const info = parseAdmissionReview(review({ group: "", version: "v1", kind: "Pod" }, { spec: podSpec() }, { operation: "UPDATE", dryRun: true }));
    expect(info.images).toHaveLength(4);
    expect(info.dryRun).toBe(true);
  });

  test("DELETE (oldObject only) and CONNECT have no images", () => {
    for (const operation of ["DELETE", "CONNECT"]) {
      const body = review({ group: "apps", version: "v1", kind: "Deployment" }, null, { operation, oldObject: { spec: { template: { spec: podSpec() } } } });
      expect(parseAdmissionReview(body).images).toEqual([]);
    }
  });

  test("other kinds have no images, whatever their object", () => {
    expect(parseAdmissionReview(review({ group: "", version: "v1", kind: "ConfigMap" }, { data: { a: "b" } })).images).toEqual([]);
    expect(parseAdmissionReview(review({ group: "", version: "v1", kind: "Service" }, "odd")).images).toEqual([]);
    // A custom resource that borrows a built-in kind name is not a workload: its Pods are admitted on their own.
    expect(parseAdmissionReview(review({ group: "evil.example", version: "v1", kind: "Deployment" }, { spec: 1 })).images).toEqual([]);
  });

  test("cluster-scoped objects have no namespace; a generated name is absent", () => {
    const body = review({ group: "", version: "v1", kind: "Namespace" }, {});
    delete (body.request as Json).namespace;
    (body.request as Json).name = "";
    const info = parseAdmissionReview(body);
    expect(info.namespace).toBe("");
    expect(info.name).toBeUndefined();
    expect(describeRequest(info)).toBe("Namespace (generated)");
    expect(describeRequest({ kind: "Deployment", namespace: "prod", name: "web" })).toBe("Deployment prod/web");
  });

  test("absent or null container lists are empty; a __proto__ key is data", () => {
    const spec = JSON.parse('{"containers":[{"name":"a","image":"x.io/a:1"}],"initContainers":null,"__proto__":{"ephemeralContainers":[{"name":"b","image":"x.io/b:1"}]}}');
    const info = parseAdmissionReview(review({ group: "", version: "v1", kind: "Pod" }, { spec }));
    expect(info.images.map((i) => i.container)).toEqual(["a"]);
  });
});

describe("parseAdmissionReview: malformed reviews", () => {
  const pod = { group: "", version: "v1", kind: "Pod" };
  test("not a JSON object", () => {
    for (const body of [null, "x", 1, [], true]) expect(usage(body)).toContain("AdmissionReview body must be a JSON object");
  });
  test("wrong apiVersion or kind", () => {
    expect(usage({ ...review(pod, { spec: podSpec() }), apiVersion: "admission.k8s.io/v1beta1" })).toContain('apiVersion must be "admission.k8s.io/v1", got "admission.k8s.io/v1beta1"');
    expect(usage({ ...review(pod, { spec: podSpec() }), kind: "Pod" })).toContain('kind must be "AdmissionReview", got "Pod"');
  });
  test("missing request, uid, kind, operation", () => {
    expect(usage({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" })).toContain("request must be an object, got nothing");
    expect(usage(review(pod, { spec: podSpec() }, { uid: undefined }))).toContain("request.uid must be");
    expect(usage(review(pod, { spec: podSpec() }, { uid: "" }))).toContain("request.uid must be");
    expect(usage(review(pod, { spec: podSpec() }, { uid: "u".repeat(129) }))).toContain("request.uid must be 1 to 128");
    expect(usage(review(pod, { spec: podSpec() }, { uid: "a b" }))).toContain("request.uid");
    expect(usage(review("Pod" as unknown as Json, { spec: podSpec() }))).toContain("request.kind must be an object");
    expect(usage(review({ group: "" }, { spec: podSpec() }))).toContain("request.kind.kind must be a kind name");
    expect(usage(review(pod, { spec: podSpec() }, { operation: "PATCH" }))).toContain("request.operation must be one of CREATE, UPDATE, DELETE, CONNECT");
  });
  test("namespace, name and dryRun of the wrong type", () => {
    expect(usage(review(pod, { spec: podSpec() }, { namespace: 7 }))).toContain("request.namespace must be a string, got a number");
    expect(usage(review(pod, { spec: podSpec() }, { namespace: "Prod_1" }))).toContain("request.namespace must be a namespace name");
    expect(usage(review(pod, { spec: podSpec() }, { namespace: undefined }))).toContain("request.namespace is required for a Pod");
    expect(usage(review(pod, { spec: podSpec() }, { name: "n".repeat(254) }))).toContain("request.name must be at most 253");
    expect(usage(review(pod, { spec: podSpec() }, { dryRun: "yes" }))).toContain('request.dryRun must be true or false, got "yes"');
  });
  test("object not an object", () => {
    for (const object of [undefined, null, "pod", [1]]) expect(usage(review(pod, object))).toContain("request.object must be an object");
    expect(usage(review(pod, { spec: [] }))).toContain("request.object.spec must be an object for a Pod, got a list");
    expect(usage(review({ group: "batch", version: "v1", kind: "CronJob" }, { spec: { jobTemplate: {} } }))).toContain("request.object.spec.jobTemplate.spec must be an object for a CronJob, got nothing");
  });
  test("containers not lists, containers not objects", () => {
    expect(usage(review(pod, { spec: { containers: { name: "a" } } }))).toContain("request.object.spec.containers must be a list, got an object");
    expect(usage(review(pod, { spec: { containers: [], initContainers: "x" } }))).toContain("request.object.spec.initContainers must be a list");
    expect(usage(review(pod, { spec: { containers: ["x.io/a:1"] } }))).toContain("request.object.spec.containers[0] must be an object");
  });
  test("image not a string, empty, or too long; container name missing", () => {
    const at = "request.object.spec.containers[0].image";
    expect(usage(review(pod, { spec: { containers: [{ name: "a", image: 5 }] } }))).toContain(`${at} must be an image reference (1 to 1024 characters), got a number`);
    expect(usage(review(pod, { spec: { containers: [{ name: "a", image: ["x"] }] } }))).toContain(`${at} must be an image reference`);
    expect(usage(review(pod, { spec: { containers: [{ name: "a" }] } }))).toContain(`${at} must be an image reference (1 to 1024 characters), got nothing`);
    expect(usage(review(pod, { spec: { containers: [{ name: "a", image: " " }] } }))).toContain(at);
    expect(usage(review(pod, { spec: { containers: [{ name: "a", image: "x".repeat(1025) }] } }))).toContain("got a string too long");
    expect(usage(review(pod, { spec: { containers: [{ image: "x.io/a:1" }] } }))).toContain("request.object.spec.containers[0].name must be a container name");
  });
  test("huge container counts are refused before any container is read", () => {
    const many = (n: number) => Array.from({ length: n }, () => ({}));
    const spec = { containers: many(200), initContainers: many(50), ephemeralContainers: many(7) };
    expect(usage(review(pod, { spec }))).toContain(`request.object.spec has 257 containers, more than the ${MAX_CONTAINERS} cairn checks`);
    const ok = { containers: Array.from({ length: MAX_CONTAINERS }, (_, i) => ({ name: `c${i}`, image: "x.io/a:1" })) };
    expect(parseAdmissionReview(review(pod, { spec: ok })).images).toHaveLength(MAX_CONTAINERS);
  });
  test("errors never echo a huge value", () => {
    expect(usage({ ...review(pod, {}), apiVersion: "v".repeat(100_000) }).length).toBeLessThan(300);
  });
});

describe("admissionResponse", () => {
  test("allowed: uid and allowed, no status without a message", () => {
    expect(admissionResponse("u1", true, "")).toEqual({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "u1", allowed: true } });
  });
  test("denied: 403 by default, the message, warnings", () => {
    expect(admissionResponse("u1", false, "image x.io/a:1: no attestation", { warnings: ["tag x.io/a:1 resolved to sha256:…"] })).toEqual({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "u1", allowed: false, status: { code: 403, message: "image x.io/a:1: no attestation" }, warnings: ["tag x.io/a:1 resolved to sha256:…"] },
    });
    expect(admissionResponse("u1", false, "x", { code: 422 })).toMatchObject({ response: { status: { code: 422, message: "x" } } });
  });
  test("messages and warnings are bounded and on one line", () => {
    const r = admissionResponse("u1", false, "a\nb\u0000c" + "x".repeat(10_000), { warnings: Array.from({ length: 50 }, () => "w".repeat(1000)) }) as { response: { status: { message: string }; warnings: string[] } };
    expect(r.response.status.message.length).toBe(MAX_MESSAGE);
    expect(r.response.status.message.startsWith("a b c")).toBe(true);
    expect(r.response.status.message.endsWith("…")).toBe(true);
    expect(r.response.warnings).toHaveLength(16);
    expect(r.response.warnings.every((w) => w.length === 256)).toBe(true);
  });
  test("clip never splits a surrogate pair", () => {
    expect(clip("ab😀cd", 4)).toBe("ab…");
    expect(clip("short", 10)).toBe("short");
  });
});
