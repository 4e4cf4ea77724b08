// The point of use on `cairn serve`: `POST /api/v1/verify` (the CLI's decision for deploy scripts) and the Kubernetes
// admission webhook `POST /api/v1/admission`, against a real server, a real registry (Debian's docker-registry) and
// images attested by real pushes: allowed, unattested, attested by the wrong workflow, tag-only, malformed, audited.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { createOciClient } from "../../src/oci/client.ts";
import { startRegistry, type RunningRegistry } from "../../src/oci/registry.testutil.ts";
import { pushTestImage, type PushedImage } from "../../src/services/materials/registry-image.testutil.ts";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const sb = new Sandbox();
let reg: RunningRegistry;
let served: Served;
let viewer: string;
let built: PushedImage;
let other: PushedImage;
let stray: PushedImage;
let env: Record<string, string>;

const review = (namespace: string, kind: string, object: unknown, uid = "3f1c") => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: { uid, kind: { group: kind === "Pod" ? "" : "apps", version: "v1", kind }, operation: "CREATE", namespace, name: "web", object },
});
const pod = (...images: string[]) => ({ spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } });
const deployment = (...images: string[]) => ({ spec: { template: { spec: { initContainers: [], containers: images.map((image, i) => ({ name: `c${i}`, image })) } } } });

async function post(path: string, body: unknown, token = viewer) {
  const res = await fetch(served.url + path, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

/** Pushes an attestation of `image` (an output CONTAINER_IMAGE) from workflow `workflow`. */
function attest(workflow: string, image: string): void {
  sb.ok(["att", "init", "--workflow", workflow, "--project", "shop", "--contract", "image.yaml", "--replace"], env);
  sb.ok(["att", "add", "--name", "app-image", "--value", image], env);
  sb.ok(["att", "push", "--key", "cosign.key"], env);
}

beforeAll(async () => {
  reg = await startRegistry();
  const client = createOciClient({ registry: reg.host, insecureHttp: true, retries: 0 });
  built = await pushTestImage(client, "shop/web", "1.0");
  other = await pushTestImage(client, "shop/worker", "2.0");
  stray = await pushTestImage(client, "shop/stray", "3.0");
  env = { CAIRN_INSECURE_REGISTRIES: reg.host };
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
  sb.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
  writeFileSync(sb.path("image.yaml"), "schemaVersion: v1\nmaterials:\n  - {name: app-image, type: CONTAINER_IMAGE, output: true}\n");
  attest("build-image", `${reg.host}/shop/web:1.0`);
  attest("nightly", `${reg.host}/shop/worker:2.0`);
  writeFileSync(sb.path("admission.yaml"), "namespaces:\n  prod:\n    workflow: build-image\n    project: shop\nexemptImages: [\"registry.k8s.io/pause:*\"]\n");
  viewer = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "kube", "--role", "viewer"]).token;
  served = await serve(sb, ["--admission-config", "admission.yaml"]);
});
afterAll(async () => {
  await served?.stop();
  await reg?.stop();
  sb.cleanup();
});

describe("POST /api/v1/verify", () => {
  test("the same verdict as the CLI: PASSED for the workflow that built it, FAILED for another; 200 either way", async () => {
    const ok = await post("/api/v1/verify", { digest: built.digest, policy: { workflow: "build-image" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ subject: built.digest, result: "PASSED", noValidAttestation: false });
    const cli = sb.json<{ result: string; acceptedDigests: string[] }>(["verify", "artifact", built.digest, "--workflow", "build-image"]);
    expect(ok.body.acceptedDigests.sort()).toEqual(cli.acceptedDigests.sort());
    const wrong = await post("/api/v1/verify", { digest: built.digest, policy: { workflow: "nightly" } });
    expect(wrong.body).toMatchObject({ result: "FAILED", noValidAttestation: false });
    const none = await post("/api/v1/verify", { digest: stray.digest });
    expect(none.body).toMatchObject({ result: "FAILED", noValidAttestation: true, considered: [] });
  });

  test("cairn verify --control-plane asks the server and exits as the CLI does", () => {
    const remote = { CAIRN_CONTROL_PLANE: served.url, CAIRN_TOKEN: viewer };
    expect(sb.run(["verify", "artifact", built.digest, "--workflow", "build-image"], remote).code).toBe(0);
    expect(sb.run(["verify", "artifact", built.digest, "--workflow", "nightly"], remote).code).toBe(4);
    expect(sb.run(["verify", "artifact", stray.digest], remote).code).toBe(1);
    // Every policy flag travels: --max-age as a duration.
    expect(sb.run(["verify", "artifact", built.digest, "--workflow", "build-image", "--max-age", "30d"], remote).code).toBe(0);
  });

  test("a verdict is reused only while nothing it depends on changed: a revoked key fails at once", async () => {
    const ask = () => post("/api/v1/verify", { digest: built.digest, policy: { workflow: "build-image" } });
    expect((await ask()).body.result).toBe("PASSED");
    expect((await ask()).body.result).toBe("PASSED"); // within the second: the same verdict
    sb.ok(["org", "key", "remove", "--name", "ci"]);
    expect((await ask()).body).toMatchObject({ result: "FAILED", noValidAttestation: true }); // no stale PASSED
    sb.ok(["org", "key", "add", "--name", "ci2", "--key", "cosign.pub"]);
    expect((await ask()).body.result).toBe("PASSED");
  });

  test("identity regexps are refused from API callers (a pattern would run on the server's thread)", async () => {
    const r = await post("/api/v1/verify", { digest: built.digest, policy: { certificateIdentityRegexp: "(.*)*x" } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain("certificateIdentityRegexp: is not accepted here");
    expect((await post("/api/v1/verify", { digest: built.digest, policy: { sourceRef: "r".repeat(2000) } })).status).toBe(400);
  });

  test("bad bodies are 400 naming the field; policy files on the server's disk are refused", async () => {
    expect((await post("/api/v1/verify", { digest: "sha256:abc" })).status).toBe(400);
    const typo = await post("/api/v1/verify", { digest: built.digest, policy: { workfow: "x" } });
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.body)).toContain("workfow");
    const file = await post("/api/v1/verify", { digest: built.digest, policy: { policies: ["/etc/passwd"] } });
    expect(file.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(file.body)).not.toContain("root:");
  });
});

describe("POST /api/v1/admission", () => {
  const pinned = (img: PushedImage, repo: string) => `${reg.host}/${repo}@${img.digest}`;

  test("an image built by the namespace's workflow is allowed; the uid is echoed", async () => {
    const r = await post("/api/v1/admission", review("prod", "Deployment", deployment(pinned(built, "shop/web"), "registry.k8s.io/pause:3.9")));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "3f1c", allowed: true } });
    expect(r.body.response.status?.message ?? "").toContain("1 image(s) verified, 1 exempt");
  });

  test("an unattested image is denied, naming it and its container", async () => {
    const img = pinned(stray, "shop/stray");
    const r = await post("/api/v1/admission", review("prod", "Pod", pod(pinned(built, "shop/web"), img)));
    expect(r.body.response.allowed).toBe(false);
    expect(r.body.response.status.message).toContain(`image ${img} (spec.containers[1].image): no attestation of ${stray.digest}`);
    expect(r.body.response.status.message).not.toContain("spec.containers[0]");
  });

  test("an image attested by another workflow is denied with the policy's reason", async () => {
    const img = pinned(other, "shop/worker");
    const r = await post("/api/v1/admission", review("prod", "Pod", pod(img)));
    expect(r.body.response.allowed).toBe(false);
    expect(r.body.response.status.message).toContain(`image ${img} (spec.containers[0].image): no attestation passes the namespace's policy`);
    expect(r.body.response.status.message).toContain("nightly");
  });

  test("a tag-only image is denied without contacting its registry; another namespace is not checked", async () => {
    const r = await post("/api/v1/admission", review("prod", "Pod", pod(`${reg.host}/shop/web:1.0`)));
    expect(r.body.response.allowed).toBe(false);
    expect(r.body.response.status.message).toContain("is not pinned by digest");
    const dev = await post("/api/v1/admission", review("dev", "Pod", pod(`${reg.host}/shop/stray:3.0`)));
    expect(dev.body.response).toMatchObject({ allowed: true });
  });

  test("a malformed review is 400 naming the field", async () => {
    const r = await post("/api/v1/admission", { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { kind: { kind: "Pod" }, operation: "CREATE", namespace: "prod" } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain("request.uid");
    expect((await post("/api/v1/admission", "not json")).status).toBe(400);
  });

  test("every decision is in the audit trail: allowed ok, denied refused", () => {
    const rows = sb.json<{ items: { action: string; outcome: string; target: string; actor: string }[] }>(["audit", "list", "--action", "admission.review", "--limit", "100"]).items;
    expect(rows.some((r) => r.outcome === "ok" && r.actor === "token:kube" && r.target === "Deployment prod/web")).toBe(true);
    expect(rows.some((r) => r.outcome === "refused: VERIFY_FAILED" && r.target === "Pod prod/web")).toBe(true);
    expect(rows.some((r) => r.outcome === "refused: POLICY_GATE")).toBe(true);
    expect(rows.some((r) => r.outcome === "refused: USAGE")).toBe(true);
  });
});

describe("resolveTags: true", () => {
  test("a tag is resolved at its registry, checked as its digest, and the answer warns to pin it", async () => {
    await served.stop();
    writeFileSync(sb.path("tags.yaml"), "namespaces:\n  prod: {workflow: build-image, project: shop}\nresolveTags: true\n");
    sb.env.CAIRN_INSECURE_REGISTRIES = reg.host; // the test registry speaks plain http
    served = await serve(sb, ["--admission-config", "tags.yaml"]);
    const img = `${reg.host}/shop/web:1.0`;
    const r = await post("/api/v1/admission", review("prod", "Pod", pod(img)));
    expect(r.body.response.allowed).toBe(true);
    expect(r.body.response.warnings).toEqual([`${img} was checked as ${built.digest}; pin it by digest, the tag may move before the pull`]);
    const denied = await post("/api/v1/admission", review("prod", "Pod", pod(`${reg.host}/shop/worker:2.0`)));
    expect(denied.body.response.allowed).toBe(false);
  });
});
