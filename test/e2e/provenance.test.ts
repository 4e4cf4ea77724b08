// SLSA provenance from `att push`, through the compiled binary: signed beside the attestation (key, keyless through
// `cairn serve` with a log entry), stored, linked both ways in the referrer graph, carried by export/import, turned
// off with --provenance none, required by a contract; checked by our SLSA v1 field checks and by @sigstore/verify.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { checkGithubBuildType, checkProvenance } from "../../src/slsa/provenance-schema.ts";
import { FIXTURES, Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const SLSA = "https://slsa.dev/provenance/v1";
const sb = new Sandbox();

interface Pushed {
  digest: string;
  runId: string;
  provenance?: { digest: string; bundlePath?: string; storedAt?: string };
}

/** The statement inside a bundle file. */
const statementOf = async (file: string) => {
  const b = JSON.parse(await Bun.file(file).text()) as { dsseEnvelope: { payload: string } };
  return JSON.parse(Buffer.from(b.dsseEnvelope.payload, "base64").toString()) as { subject: { name: string; digest: { sha256: string } }[]; predicate: Record<string, any> };
};

const craft = (env: Record<string, string> = {}, contract = "demo.yaml", extra: string[] = []) => {
  sb.ok(["att", "init", "--workflow", "build", "--project", "app", "--contract", contract, "--replace", ...extra], env);
  sb.ok(["att", "add", "--name", "build-ref", "--value", "v1.2.3"], env);
  sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"], env);
  sb.ok(["att", "add", "--name", "sbom", "--value", "sbom.cdx.json"], env);
};

beforeAll(() => {
  cpSync(join(FIXTURES, "contracts", "demo.yaml"), sb.path("demo.yaml"));
  cpSync(join(FIXTURES, "demo", "sbom.cdx.json"), sb.path("sbom.cdx.json"));
  writeFileSync(sb.path("app.bin"), "the app\n");
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
});
afterAll(() => sb.cleanup());

describe("att push signs SLSA provenance beside the attestation", () => {
  let pushed: Pushed;

  test("key-signed: --provenance-bundle verifies as SLSA v1 of the output material, naming the attestation", async () => {
    craft();
    pushed = sb.json<Pushed>(["att", "push", "--key", "cosign.key", "--provenance-bundle", "prov.json"]);
    expect(pushed.provenance?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pushed.provenance?.bundlePath).toBe("prov.json");
    const v = sb.json<{ predicateType: string; subjects: { name: string }[] }>(["att", "verify", "--bundle", "prov.json", "--key", "cosign.pub", "--predicate-type", SLSA, "--artifact", "app.bin"]);
    expect(v.predicateType).toBe(SLSA);
    expect(v.subjects.map((s) => s.name)).toEqual(["app.bin"]);
    const st = await statementOf(sb.path("prov.json"));
    expect(checkProvenance(st)).toEqual([]);
    expect(st.predicate.runDetails.byproducts).toContainEqual(expect.objectContaining({ name: "cairn-attestation", digest: { sha256: pushed.digest.slice(7) } }));
    // The SBOM is an input: a resolved dependency with its digest.
    const deps = st.predicate.buildDefinition.resolvedDependencies as { name?: string; digest?: Record<string, string> }[];
    expect(deps.some((d) => d.name === "sbom" && typeof d.digest?.sha256 === "string")).toBe(true);
  });

  test("stored as its own attestation of the run, linked both ways in the referrer graph", () => {
    const described = sb.json<{ provenance?: { digest: string } }>(["workflow", "run", "describe", "--id", pushed.runId]);
    expect(described.provenance?.digest).toBe(pushed.provenance!.digest);
    const prov = sb.json<{ kind: string; metadata: Record<string, string>; references: { digest: string }[] }>(["discover", pushed.provenance!.digest]);
    expect(prov.metadata.predicateType).toBe(SLSA);
    expect(prov.references.map((r) => r.digest)).toContain(pushed.digest);
    const att = sb.json<{ references: { digest: string }[]; referredBy: { digest: string }[] }>(["discover", pushed.digest]);
    expect([...att.references, ...att.referredBy].map((r) => r.digest)).toContain(pushed.provenance!.digest);
    expect(sb.counts().attestations).toBe(2);
  });

  test("export carries it and import verifies and stores it in another home", () => {
    sb.ok(["export", "-o", "evidence.tar", "--key", "cosign.key"]);
    const other = new Sandbox();
    try {
      cpSync(sb.path("evidence.tar"), other.path("evidence.tar"));
      cpSync(sb.path("cosign.pub"), other.path("cosign.pub"));
      other.ok(["import", "evidence.tar", "--trusted-key", "cosign.pub"]);
      const described = other.json<{ provenance?: { digest: string } }>(["workflow", "run", "describe", "--id", pushed.runId]);
      expect(described.provenance?.digest).toBe(pushed.provenance!.digest);
      expect(other.counts().attestations).toBe(2);
    } finally {
      other.cleanup();
    }
  });

  test("--provenance none signs only the attestation", () => {
    craft();
    const before = sb.counts().attestations;
    const r = sb.json<Pushed>(["att", "push", "--key", "cosign.key", "--provenance", "none"]);
    expect(r.provenance).toBeUndefined();
    expect(sb.counts().attestations).toBe(before + 1);
  });

  test("a contract that requires provenance refuses --provenance none, and an attestation without outputs", () => {
    writeFileSync(sb.path("strict.yaml"), "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: strict\nspec:\n  materials:\n    - {type: ARTIFACT, name: binary, output: true, optional: true}\n  provenance:\n    required: true\n");
    sb.ok(["att", "init", "--workflow", "strict", "--project", "app", "--contract", "strict.yaml", "--replace"]);
    const before = sb.counts().attestations;
    const none = sb.run(["att", "push", "--key", "cosign.key", "--provenance", "none"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("requires SLSA provenance: --provenance none is not allowed");
    const empty = sb.run(["att", "push", "--key", "cosign.key"]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("which needs at least one output material");
    expect(sb.counts().attestations).toBe(before);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    expect(sb.json<Pushed>(["att", "push", "--key", "cosign.key"]).provenance?.digest).toMatch(/^sha256:/);
  });

  test("a simulated GitHub Actions run gets the GitHub build type and its documented parameters", async () => {
    const gh = {
      CI: "true", GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/app", GITHUB_RUN_ID: "4242", GITHUB_RUN_ATTEMPT: "2", GITHUB_SHA: "a".repeat(40),
      GITHUB_REF: "refs/heads/main", GITHUB_ACTOR: "sarah", GITHUB_REPOSITORY_OWNER: "acme", RUNNER_NAME: "hosted-1", RUNNER_OS: "Linux",
      GITHUB_SERVER_URL: "https://github.com", GITHUB_WORKFLOW_REF: "acme/app/.github/workflows/release.yml@refs/heads/main", GITHUB_EVENT_NAME: "push",
      GITHUB_REPOSITORY_ID: "1001", GITHUB_REPOSITORY_OWNER_ID: "2002", RUNNER_ENVIRONMENT: "github-hosted",
    };
    craft(gh);
    sb.ok(["att", "push", "--key", "cosign.key", "--provenance-bundle", "gh.json"], gh);
    const st = await statementOf(sb.path("gh.json"));
    expect(checkProvenance(st)).toEqual([]);
    expect(checkGithubBuildType(st.predicate)).toEqual([]);
    expect(st.predicate.buildDefinition.buildType).toBe("https://actions.github.io/buildtypes/workflow/v1");
    expect(st.predicate.buildDefinition.externalParameters.workflow).toEqual({ ref: "refs/heads/main", repository: "https://github.com/acme/app", path: ".github/workflows/release.yml" });
    expect(st.predicate.runDetails.metadata.invocationId).toBe("https://github.com/acme/app/actions/runs/4242/attempts/2");
  });
});

describe("keyless through cairn serve: the provenance is verified, logged and stored by the server", () => {
  let served: Served;
  let env: Record<string, string>;
  beforeAll(async () => {
    sb.ok(["ca", "init"]);
    sb.ok(["workflow", "create", "--name", "release", "--project", "app", "--contract", "demo.yaml"]);
    const token = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--project", "app", "--workflow", "release"]).token;
    served = await serve(sb);
    env = { CAIRN_CONTROL_PLANE: served.url, CAIRN_TOKEN: token };
  });
  afterAll(async () => {
    await served?.stop();
  });

  test("att push with no key: both bundles certificate-signed and on the log; @sigstore/verify accepts the provenance", async () => {
    sb.ok(["att", "init", "--workflow", "release", "--project", "app", "--replace"], env);
    sb.ok(["att", "add", "--name", "build-ref", "--value", "v2"], env);
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"], env);
    sb.ok(["att", "add", "--name", "sbom", "--value", "sbom.cdx.json"], env);
    const pushed = sb.json<Pushed>(["att", "push", "--provenance-bundle", "remote-prov.json"], env);
    expect(pushed.provenance?.storedAt).toBe(`${served.url}/api/v1/blobs/${pushed.provenance!.digest}`);
    const bundle = JSON.parse(await Bun.file(sb.path("remote-prov.json")).text());
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    const st = await statementOf(sb.path("remote-prov.json"));
    expect(st.predicate.runDetails.builder.id).toBe(served.url);
    const root = await (await fetch(`${served.url}/api/v1/trusted-root`)).json();
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(root)), { ctlogThreshold: 0, tlogThreshold: 1, timestampThreshold: 1 });
    const identity = `${served.url}/orgs/default/workflows/app/release`;
    const exact = new RegExp(`^${identity.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
    expect(verifier.verify(toSignedEntity(bundleFromJSON(bundle)), { subjectAlternativeName: exact, extensions: { issuer: served.url } }).identity?.subjectAlternativeName).toBe(identity);
    // The server's copy is the client's, byte for byte.
    const stored = new Uint8Array(await (await fetch(`${served.url}/api/v1/blobs/${pushed.provenance!.digest}`, { headers: { Authorization: `Bearer ${env.CAIRN_TOKEN}` } })).arrayBuffer());
    expect(Buffer.from(stored).toString()).toBe(await Bun.file(sb.path("remote-prov.json")).text());
  });

  test("re-posting the stored provenance is idempotent; a tampered one is refused", async () => {
    const forged = JSON.parse(await Bun.file(sb.path("remote-prov.json")).text());
    const post = (body: string) => fetch(`${served.url}/api/v1/attestations`, { method: "POST", headers: { Authorization: `Bearer ${env.CAIRN_TOKEN}`, "Content-Type": "application/json" }, body });
    // Re-posting the stored provenance is idempotent.
    expect((await post(JSON.stringify(forged))).status).toBe(200);
    // So is re-posting it as the client first signed it, without the server's log entry (a push cut off before it
    // saved the answer): the same signature, answered with the stored bundle.
    const unlogged = { ...forged, verificationMaterial: { ...forged.verificationMaterial, tlogEntries: [] } };
    const again = await post(JSON.stringify(unlogged));
    expect(again.status).toBe(200);
    const answer = (await again.json()) as { created: boolean; bundle: string };
    expect(answer.created).toBe(false);
    expect(Buffer.from(answer.bundle, "base64").toString()).toBe(await Bun.file(sb.path("remote-prov.json")).text());
    // Any change to the signed payload breaks the signature before anything else is looked at.
    const st = await statementOf(sb.path("remote-prov.json"));
    st.subject[0]!.digest.sha256 = "0".repeat(64);
    forged.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString("base64");
    const r = await post(JSON.stringify(forged));
    expect(r.status).toBe(422);
  });
});
