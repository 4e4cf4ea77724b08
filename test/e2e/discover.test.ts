import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { Sandbox } from "./harness.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

interface Node {
  digest: string;
  kind: string;
  downloadable: boolean;
  metadata: Record<string, string>;
  run?: { id: string; workflow: string; project: string; state: string; policyStatus: string | null };
  references: Node[];
  referredBy: Node[];
  next?: string;
}

const contract = (name: string, materials: string) => `apiVersion: cairn.dev/v1
kind: Contract
metadata:
  name: ${name}
spec:
  materials:
${materials}
`;

/** Workflow A builds app.bin (an output); workflow B ships it and attests A's attestation as an ATTESTATION material. */
describe("discover through the binary: a chain of two workflows", () => {
  const sb = new Sandbox();
  let a: { digest: string; runId: string };
  let b: { digest: string; runId: string };
  const app = "the app, built by A\n";

  beforeAll(() => {
    writeFileSync(sb.path("app.bin"), app);
    writeFileSync(sb.path("a.yaml"), contract("build", "    - { type: ARTIFACT, name: binary, output: true }"));
    writeFileSync(sb.path("b.yaml"), contract("release", "    - { type: ARTIFACT, name: binary }\n    - { type: ATTESTATION, name: upstream }"));
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    sb.ok(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", "a.yaml"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    // Without SLSA provenance, so the graph is exactly the chain (provenance links: provenance.test.ts).
    a = sb.json(["att", "push", "--key", "cosign.key", "--bundle", "a.bundle.json", "--provenance", "none"]);
    sb.ok(["att", "init", "--workflow", "release", "--project", "skynet", "--contract", "b.yaml"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    sb.ok(["att", "add", "--name", "upstream", "--value", "a.bundle.json"]);
    b = sb.json(["att", "push", "--key", "cosign.key"]);
  });
  afterAll(() => sb.cleanup());

  test("A's bundle digest is the sha256 of the bundle file B attested", () => {
    expect(a.digest).toBe(sha(readFileSync(sb.path("a.bundle.json"))));
  });

  test("A's attestation: references app.bin, referred by B's attestation with B's run", () => {
    const r = sb.json<Node>(["discover", a.digest]);
    expect([r.kind, r.run?.id, r.run?.workflow, r.run?.state]).toEqual(["ATTESTATION", a.runId, "build", "succeeded"]);
    expect(r.references.map((n) => [n.kind, n.digest])).toEqual([["ARTIFACT", sha(app)]]);
    expect(r.referredBy.map((n) => [n.kind, n.digest, n.run])).toEqual([
      ["ATTESTATION", b.digest, { id: b.runId, workflow: "release", project: "skynet", state: "succeeded", policyStatus: "none" }],
    ]);
  });

  test("B's attestation references app.bin and A's attestation", () => {
    const r = sb.json<Node>(["discover", b.digest]);
    expect(r.references.map((n) => [n.kind, n.digest, n.run?.id ?? null]).sort()).toEqual(
      [
        ["ARTIFACT", sha(app), null],
        ["ATTESTATION", a.digest, a.runId],
      ].sort(),
    );
    expect(r.referredBy).toEqual([]);
  });

  test("app.bin: referred by both attestations, oldest first", () => {
    const r = sb.json<Node>(["discover", sha(app)]);
    expect([r.kind, r.downloadable, r.metadata.name]).toEqual(["ARTIFACT", true, "app.bin"]);
    expect(r.referredBy.map((n) => [n.digest, n.run?.workflow])).toEqual([
      [a.digest, "build"],
      [b.digest, "release"],
    ]);
  });

  test("table output names the runs; pages print the next cursor", () => {
    const t = sb.ok(["discover", sha(app), "--limit", "1"]);
    expect(t.stdout).toContain(`skynet/build run ${a.runId} (succeeded)`);
    expect(t.stdout).not.toContain(b.runId);
    const next = /more: --next (\S+)/.exec(t.stderr)?.[1];
    expect(next).toBeDefined();
    const p2 = sb.json<Node>(["discover", sha(app), "--limit", "1", "--next", next!]);
    expect(p2.referredBy.map((n) => n.run?.id)).toEqual([b.runId]);
    expect(p2.next).toBeUndefined();
  });

  test("--kind selects the node; an unknown digest exits 1, a malformed one 2", () => {
    expect(sb.json<Node>(["discover", a.digest, "--kind", "attestation"]).kind).toBe("ATTESTATION");
    expect(sb.run(["discover", a.digest, "--kind", "SARIF"]).code).toBe(1);
    expect(sb.run(["discover", sha("nothing")]).code).toBe(1);
    expect(sb.run(["discover", "app.bin"]).code).toBe(2);
  });
});
