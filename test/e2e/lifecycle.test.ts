import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bundleFromJSON } from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { createHash, createPublicKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox } from "./harness.ts";

const DEMO = join(FIXTURES, "contracts", "demo.yaml");
const SBOM = join(FIXTURES, "demo", "sbom.cdx.json");
const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

/** An implementation we did not write: @sigstore/verify, offline, public key only. */
function sigstoreVerify(bundleJson: unknown, pubPem: string): void {
  const root = { mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(root as never, () => ({ publicKey: createPublicKey(pubPem), validFor: () => true }));
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundleJson)));
}

describe("offline lifecycle through the compiled binary", () => {
  const sb = new Sandbox();
  let bundlePath = "";
  let pushed: { digest: string; runId: string; storedAt: string };

  beforeAll(() => {
    writeFileSync(sb.path("app.bin"), "the built binary\n");
    writeFileSync(sb.path("Dockerfile"), "FROM scratch\n");
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    const init = sb.json(["attestation", "init", "--workflow", "build", "--project", "skynet", "--contract", DEMO]);
    expect((init.workflow as { contractRevision: number }).contractRevision).toBe(1);
    sb.ok(["att", "add", "--name", "build-ref", "--value", "80e461e9b385c6986cdb8096c9dc99928943d667"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    sb.ok(["att", "add", "--name", "sbom", "--value", SBOM]);
    bundlePath = sb.path("out.sigstore.json");
    pushed = sb.json(["att", "push", "--key", "cosign.key", "--bundle", bundlePath]);
  });
  afterAll(() => sb.cleanup());

  test("push stores the bundle content-addressed and marks the run succeeded", () => {
    const bytes = readFileSync(bundlePath);
    expect(pushed.digest).toBe(`sha256:${sha256(bytes)}`);
    expect(readFileSync(pushed.storedAt)).toEqual(bytes);
    expect(sb.runStates()).toEqual(["succeeded"]);
    expect(sb.counts().attestations).toBe(2); // the attestation and its SLSA provenance (the binary is an output)
    expect(sb.run(["att", "status"]).code).toBe(1); // state cleared
  });

  test("the statement has the workflow, git-free subjects, the output material and our predicate", () => {
    const bundle = JSON.parse(readFileSync(bundlePath, "utf8"));
    expect(bundle.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    const st = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString());
    expect(st._type).toBe("https://in-toto.io/Statement/v1");
    expect(st.predicateType).toBe("https://cairn.dev/attestation/v0.1");
    expect(st.subject.map((s: { name: string }) => s.name)).toEqual(["cairn.workflow.build", "app.bin"]);
    expect(st.subject[1].digest.sha256).toBe(sha256("the built binary\n"));
    const kinds = Object.fromEntries(st.predicate.materials.map((m: { annotations: Record<string, string> }) => [m.annotations["cairn.material.name"], m.annotations["cairn.material.type"]]));
    expect(kinds).toEqual({ binary: "ARTIFACT", "build-ref": "STRING", sbom: "SBOM_CYCLONEDX_JSON" });
    const pub = readFileSync(sb.path("cosign.pub"), "utf8");
    const hint = createHash("sha256").update(createPublicKey(pub).export({ format: "der", type: "spki" })).digest("base64");
    expect(bundle.verificationMaterial.publicKey.hint).toBe(hint);
  });

  test("cairn verify and @sigstore/verify both accept the bundle; subjects and artifacts are checked", () => {
    const pub = readFileSync(sb.path("cosign.pub"), "utf8");
    sigstoreVerify(JSON.parse(readFileSync(bundlePath, "utf8")), pub);
    expect(sb.run(["att", "verify", "--bundle", bundlePath, "--key", "cosign.pub", "--artifact", "app.bin"]).code).toBe(0);
    const wrong = sb.run(["att", "verify", "--bundle", bundlePath, "--key", "cosign.pub", "--artifact", "Dockerfile"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("is not a subject");
  });

  for (const part of ["payload", "sig"] as const) {
    test(`a one-byte change to the ${part} fails cairn verify and @sigstore/verify`, () => {
      const bundle = JSON.parse(readFileSync(bundlePath, "utf8"));
      const field = part === "payload" ? bundle.dsseEnvelope : bundle.dsseEnvelope.signatures[0];
      const raw = Buffer.from(field[part], "base64");
      raw[Math.floor(raw.length / 2)]! ^= 0x01;
      field[part] = raw.toString("base64");
      const tampered = sb.path(`tampered-${part}.json`);
      writeFileSync(tampered, JSON.stringify(bundle));
      const r = sb.run(["att", "verify", "--bundle", tampered, "--key", "cosign.pub"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")[0]).toStartWith("ERR ");
      expect(() => sigstoreVerify(bundle, readFileSync(sb.path("cosign.pub"), "utf8"))).toThrow();
    });
  }

  test("a second init of the same workflow with unchanged contract reuses revision 1; a changed one makes revision 2", () => {
    const again = sb.json(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", DEMO]);
    expect((again.workflow as { contractRevision: number }).contractRevision).toBe(1);
    const changed = sb.path("changed.yaml");
    writeFileSync(changed, readFileSync(DEMO, "utf8").replace(/optional: true/, "optional: false"));
    const third = sb.json(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", changed, "--replace"]);
    expect((third.workflow as { contractRevision: number }).contractRevision).toBe(2);
    sb.ok(["att", "reset", "--reason", "test"]);
    expect(sb.runStates()).toEqual(["succeeded", "cancelled", "failed"]);
  });
});

describe("a workflow without a contract gets its own empty one", () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  test("init without --contract, a contract-free add with a detected kind, push", () => {
    writeFileSync(sb.path("notes.txt"), "release notes\n");
    sb.ok(["keys", "generate"]);
    const init = sb.json<{ workflow: { contractName: string; contractRevision: number } }>(["att", "init", "--workflow", "nightly", "--project", "p"]);
    expect(init.workflow).toMatchObject({ contractName: "p-nightly", contractRevision: 1 });
    const added = sb.json<{ kind: string; name: string }>(["att", "add", "--value", "notes.txt"]);
    expect(added.kind).toBe("ARTIFACT");
    expect(sb.json<{ kind: string }>(["att", "add", "--name", "sbom", "--value", SBOM]).kind).toBe("SBOM_CYCLONEDX_JSON");
    sb.ok(["att", "push", "--key", "cosign.key"]);
    expect(sb.runStates()).toEqual(["succeeded"]);
  });
});

describe("dry-run signs but stores nothing", () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  test("init --dry-run, add, push: a verifiable bundle, no run, no blobs", () => {
    writeFileSync(sb.path("app.bin"), "x");
    sb.ok(["keys", "generate", "--kind", "ed25519"]);
    sb.ok(["att", "init", "--workflow", "w", "--project", "p", "--contract", DEMO, "--dry-run"]);
    sb.ok(["att", "add", "--name", "build-ref", "--value", "abc"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    sb.ok(["att", "add", "--name", "sbom", "--value", SBOM]);
    const r = sb.json<{ dryRun: boolean; digest: string }>(["att", "push", "--key", "cosign.key", "--bundle", "b.json"]);
    expect(r.dryRun).toBe(true);
    expect(sb.counts()).toMatchObject({ workflows: 0, workflow_runs: 0, attestations: 0 });
    expect(sb.run(["att", "verify", "-b", "b.json", "-k", "cosign.pub"]).code).toBe(0);
  });
});
