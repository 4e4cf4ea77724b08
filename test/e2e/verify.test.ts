import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createPublicKey } from "node:crypto";
import { bundleFromJSON } from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { checkVsa } from "../../src/slsa/vsa.ts";
import { Sandbox } from "./harness.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

interface Verdict {
  subject: string;
  result: string;
  noValidAttestation: boolean;
  considered: { digest: string; accepted: boolean; reasons: string[]; workflow?: string }[];
  acceptedDigests: string[];
  verifiedLevels: string[];
  vsa?: string;
}

describe("cairn verify through the binary", () => {
  const sb = new Sandbox();
  let pushed: { digest: string; runId: string; provenance: { digest: string } };
  const app = "the app\n";

  beforeAll(() => {
    writeFileSync(sb.path("app.bin"), app);
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    sb.ok(["keys", "generate", "--output-prefix", "other"]);
    writeFileSync(sb.path("build.yaml"), "schemaVersion: v1\nmaterials:\n  - {name: binary, type: ARTIFACT, output: true}\n");
    sb.ok(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", "build.yaml"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    // The attestation and its SLSA provenance: both name app.bin as their subject.
    pushed = sb.json(["att", "push", "--key", "cosign.key"]);
  });
  afterAll(() => sb.cleanup());

  test("exit 0: the file's attestation passes; the table has its row and the result line", () => {
    const r = sb.run(["verify", "artifact", "app.bin", "--key", "cosign.pub", "--workflow", "build", "--project", "skynet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ACCEPTED");
    expect(r.stdout).toContain(pushed.digest.slice(0, 19));
    expect(r.stdout).toContain(pushed.provenance.digest.slice(0, 19));
    expect(r.stdout).toContain(`PASSED ${sha(app)} (app.bin): 2 of 2 attestations accepted; SLSA_BUILD_LEVEL_1`);
  });

  test("-o json: the verdict, also for a digest argument", () => {
    const v = sb.json<Verdict>(["verify", "artifact", sha(app), "--key", "cosign.pub"]);
    expect(v).toMatchObject({ subject: sha(app), result: "PASSED", noValidAttestation: false, verifiedLevels: ["SLSA_BUILD_LEVEL_1"] });
    expect(v.acceptedDigests.sort()).toEqual([pushed.digest, pushed.provenance.digest].sort());
    expect(v.considered.find((c) => c.digest === pushed.digest)).toMatchObject({ accepted: true, workflow: "build" });
  });

  test("exit 4: another workflow is required; the table says why, the JSON too", () => {
    const r = sb.run(["verify", "artifact", "app.bin", "--key", "cosign.pub", "--workflow", "release"]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("REJECTED");
    expect(r.stdout).toContain("workflow is build, not release");
    expect(r.stderr).toContain("failed the verification policy");
    const j = sb.run(["verify", "artifact", "app.bin", "--key", "cosign.pub", "--workflow", "release", "-o", "json"]);
    expect(j.code).toBe(4);
    expect((JSON.parse(j.stdout) as Verdict).result).toBe("FAILED");
  });

  test("exit 1: an untrusted key, or a file nothing attests", () => {
    const r = sb.run(["verify", "artifact", "app.bin", "--key", "other.pub"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("signature: ");
    expect(r.stderr).toContain(`no valid attestation for ${sha(app)}`);
    writeFileSync(sb.path("nobody.bin"), "nobody attested this");
    const n = sb.run(["verify", "artifact", "nobody.bin", "--key", "cosign.pub", "-o", "json"]);
    expect(n.code).toBe(1);
    expect(JSON.parse(n.stdout) as Verdict).toMatchObject({ result: "FAILED", noValidAttestation: true, considered: [] });
  });

  test("exit 2: bad flag values name the flag", () => {
    const r = sb.run(["verify", "artifact", "app.bin", "--max-age", "soon"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--max-age");
    expect(sb.run(["verify", "artifact", "app.bin", "--source-ref", "main"]).stderr).toContain("--source-ref");
    expect(sb.run(["verify", "artifact", "app.bin", "--vsa", "v.json"]).code).toBe(2);
  });

  test("a VSA written with --vsa is accepted by --vsa-from under the verifier's key, refused under another", () => {
    const v = sb.json<Verdict>(["verify", "artifact", "app.bin", "--key", "cosign.pub", "--vsa", "app.vsa.json", "--vsa-key", "cosign.key"]);
    expect(v.vsa).toBe(sb.path("app.vsa.json"));
    const ok = sb.run(["verify", "artifact", "app.bin", "--vsa-from", "app.vsa.json", "--vsa-public-key", "cosign.pub"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("slsa-vsa");
    const bad = sb.run(["verify", "artifact", "app.bin", "--vsa-from", "app.vsa.json", "--vsa-public-key", "other.pub"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("the VSA is not from a trusted verifier");
    expect(sb.run(["verify", "artifact", "app.bin", "--vsa-from", "app.vsa.json"]).code).toBe(2);
  });

  test("the VSA verifies in @sigstore/verify (an implementation we did not write) and has every VSA v1 field", async () => {
    const bundle = JSON.parse(await Bun.file(sb.path("app.vsa.json")).text());
    const root = { mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
    const pub = createPublicKey(await Bun.file(sb.path("cosign.pub")).text());
    const trust = toTrustMaterial(root as never, () => ({ publicKey: pub, validFor: () => true }));
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundle)));
    const st = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString());
    expect(checkVsa(st)).toEqual([]);
    expect(st).toMatchObject({ predicateType: "https://slsa.dev/verification_summary/v1", subject: [{ digest: { sha256: sha(app).slice(7) } }] });
    expect(st.predicate).toMatchObject({ verifier: { id: "https://cairn.dev/verify" }, verificationResult: "PASSED", verifiedLevels: ["SLSA_BUILD_LEVEL_1"] });
    expect(st.predicate.inputAttestations.map((a: { digest: { sha256: string } }) => `sha256:${a.digest.sha256}`).sort()).toEqual([pushed.digest, pushed.provenance.digest].sort());
    // Tampered: @sigstore/verify refuses it too.
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify({ ...st, predicate: { ...st.predicate, verificationResult: "FAILED" } })).toString("base64");
    expect(() => new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundle)))).toThrow();
  });

  test("an attestation naming the file only as an input proves nothing about who built it, unless --include-inputs", () => {
    sb.ok(["att", "init", "--workflow", "ship", "--project", "skynet"]);
    sb.ok(["att", "add", "--name", "consumed", "--value", "app.bin", "--kind", "ARTIFACT"]); // contract-free: an input
    sb.ok(["att", "push", "--key", "cosign.key"]);
    const r = sb.run(["verify", "artifact", "app.bin", "--key", "cosign.pub", "--workflow", "ship", "-o", "json"]);
    expect(r.code).toBe(4);
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.considered.find((c) => c.workflow === "ship")!.reasons).toContain("names the artifact only as an input material, not as an output of its workflow (--include-inputs accepts that)");
    expect(sb.run(["verify", "artifact", "app.bin", "--key", "cosign.pub", "--workflow", "ship", "--include-inputs"]).code).toBe(0);
  });
});
