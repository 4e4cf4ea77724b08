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
});
