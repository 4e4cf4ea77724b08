// Evidence in an OCI CAS backend (Debian's docker-registry): every material layer carries its file name (title
// annotation, so `oras pull` writes it), and `store fsck --remote [--deep]` finds blobs the registry lost or altered.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { skopeoInspectRaw, startRegistry, type RunningRegistry } from "../../src/oci/registry.testutil.ts";
import { FIXTURES, Sandbox } from "./harness.ts";

setDefaultTimeout(30_000);

const REPO = "team/evidence";
const TITLE = "org.opencontainers.image.title";
const tag = (digest: string) => `sha256-${digest.slice(7)}.cairn`;
const FILES = [
  { name: "sbom", kind: "SBOM_CYCLONEDX_JSON", file: "bom.cdx.json", from: join(FIXTURES, "materials", "SBOM_CYCLONEDX_JSON", "valid-1.6-container.json") },
  { name: "scan", kind: "SARIF", file: "codeql.sarif", from: join(FIXTURES, "materials", "SARIF", "valid-codeql.json") },
  { name: "tests", kind: "JUNIT_XML", file: "junit.xml", from: join(FIXTURES, "materials", "JUNIT_XML", "valid-testsuites.xml") },
];

interface Fsck {
  ok: boolean;
  counts: Record<string, number>;
  problems: { kind: string; digest: string; [field: string]: unknown }[];
}

interface Material {
  name: string;
  digest: string;
}

describe("evidence in a real registry", () => {
  const sb = new Sandbox();
  let registry: RunningRegistry;
  const digests = new Map<string, string>();

  beforeAll(async () => {
    registry = await startRegistry();
    for (const f of FILES) copyFileSync(f.from, sb.path(f.file));
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    sb.ok(["cas-backend", "add", "oci", "--name", "reg", "--repo", `${registry.host}/${REPO}`, "--insecure-http", "--default"]);
  });
  afterAll(async () => {
    await registry.stop();
    sb.cleanup();
  });

  test("SBOM, SARIF and JUnit layers carry their file name as the title annotation", async () => {
    sb.ok(["att", "init", "--workflow", "build", "--project", "p"]);
    for (const f of FILES) {
      const added = sb.json<Material | Material[]>(["att", "add", "--name", f.name, "--kind", f.kind, "--value", f.file]);
      digests.set(f.name, (Array.isArray(added) ? added[0]! : added).digest);
    }
    sb.ok(["att", "push", "--key", "cosign.key"]);
    for (const f of FILES) {
      const digest = digests.get(f.name)!;
      const m = JSON.parse(new TextDecoder().decode(await skopeoInspectRaw(registry.host, `${REPO}:${tag(digest)}`)));
      expect(m.layers).toEqual([{ mediaType: "application/octet-stream", digest, size: expect.any(Number), annotations: { [TITLE]: f.file } }]);
    }
  });

  test("store fsck --remote --deep finds every blob in the registry and re-hashes it", () => {
    sb.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
    const r = sb.json<Fsck>(["store", "fsck", "--remote", "--deep"]);
    expect(r).toMatchObject({ ok: true, problems: [], counts: { blobs: 0, remoteChecked: 4, signaturesVerified: 1 } });
  });

  test("a blob deleted from the registry (its tag left dangling) is found by --remote only, naming the backend", async () => {
    const sbom = digests.get("sbom")!;
    const res = await fetch(`http://${registry.host}/v2/${REPO}/blobs/${sbom}`, { method: "DELETE" });
    expect(res.status).toBe(202);
    expect(sb.json<Fsck>(["store", "fsck"]).ok).toBe(true); // the tag alone still answers
    const r = sb.run(["store", "fsck", "--remote", "-o", "json"]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Fsck).problems).toEqual([
      { kind: "remote-missing", digest: sbom, backend: `reg (${registry.host}/${REPO})`, reason: "its tag is there but the registry has no such blob" },
    ]);
    const table = sb.run(["store", "fsck", "--remote"]);
    expect(table.stdout).toContain(sbom);
    expect(table.stderr).toContain("ERR store has 1 problem");
  });

  test("an artifact whose manifest (and so tag) is gone from the registry is missing", async () => {
    const junit = digests.get("tests")!;
    const head = await fetch(`http://${registry.host}/v2/${REPO}/manifests/${tag(junit)}`, { method: "HEAD", headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
    const manifest = head.headers.get("docker-content-digest")!;
    expect((await fetch(`http://${registry.host}/v2/${REPO}/manifests/${manifest}`, { method: "DELETE" })).status).toBe(202);
    const r = sb.run(["store", "fsck", "--remote", "--deep", "-o", "json"]);
    expect(r.code).toBe(1);
    const problems = (JSON.parse(r.stdout) as Fsck).problems.map((p) => [p.kind, p.digest]);
    expect(problems).toContainEqual(["missing", junit]);
    expect(sb.run(["store", "fsck"]).code).toBe(1); // the default check asks for the tag too
  });

  test("pointed at an empty repository, every registry-held blob is missing", () => {
    sb.ok(["cas-backend", "add", "oci", "--name", "empty", "--repo", `${registry.host}/team/empty`, "--insecure-http", "--default"]);
    sb.ok(["cas-backend", "remove", "reg"]);
    const r = sb.run(["store", "fsck", "--remote", "-o", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Fsck;
    expect(report.counts.missing).toBe(4);
    expect(report.counts.remoteChecked).toBe(0);
  });
});
