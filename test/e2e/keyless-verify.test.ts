// `att verify` on certificate-signed bundles and `trust-root add|list|remove|export`, through the compiled binary.
// The CA, TSA and bundles come from the verifier's test kit; Chainloop's keyless bundle is tried when ../shared is there.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { issueLeaf, makeBundle, makeCa, makeTsa, timestamp, trustedRoot, STATEMENT, type Ca, type Leaf, type Tsa } from "../../src/trust/testkit.testutil.ts";
import { BIN, Sandbox } from "./harness.ts";

const SUBJECT = `sha256:${STATEMENT.subject[0]!.digest.sha256}`;

describe("att verify: certificate-signed bundles", () => {
  const sb = new Sandbox();
  let ca: Ca, other: Ca, tsa: Tsa, leaf: Leaf;
  beforeAll(async () => {
    [ca, other, tsa] = await Promise.all([makeCa("acme"), makeCa("other"), makeTsa("acme-tsa")]);
    leaf = await issueLeaf(ca);
    writeFileSync(sb.path("root.json"), JSON.stringify(trustedRoot({ cas: [ca], tsas: [tsa] })));
    writeFileSync(sb.path("other-root.json"), JSON.stringify(trustedRoot({ cas: [other], tsas: [tsa] })));
    writeFileSync(sb.path("b.json"), await makeBundle({ leaf, witness: async (sig) => ({ timestamps: [await timestamp(tsa, sig, new Date())] }) }));
    writeFileSync(sb.path("no-time.json"), await makeBundle({ leaf }));
    writeFileSync(sb.path("blob.txt"), "release notes\n");
    const message = readFileSync(sb.path("blob.txt"));
    writeFileSync(sb.path("blob.sigstore.json"), await makeBundle({ leaf, message, witness: async (sig) => ({ timestamps: [await timestamp(tsa, sig, new Date())] }) }));
  });
  afterAll(() => sb.cleanup());

  const verify = (...args: string[]) => sb.run(["att", "verify", "-b", "b.json", "--predicate-type", "any", ...args]);

  test("--trusted-root: verified, naming the identity, issuer, CA, root and the TSA timestamp", () => {
    const r = sb.json<{ signer: Record<string, string>; timestamps: { source: string; authority: string; time: string }[]; identityRequired: boolean; trustedRoots: string[] }>(
      ["att", "verify", "-b", "b.json", "--predicate-type", "any", "--trusted-root", "root.json", "--certificate-identity", leaf.san, "--certificate-oidc-issuer", leaf.issuer],
    );
    expect(r.signer).toMatchObject({ kind: "certificate", san: leaf.san, issuer: leaf.issuer, root: "root.json", caSubject: "CN=acme-intermediate, O=cairn-test" });
    expect(r.timestamps).toMatchObject([{ source: "rfc3161", authority: "acme-tsa" }]);
    expect(r.identityRequired).toBe(true);
    expect(r.trustedRoots).toEqual(["root.json"]);
    const table = verify("--trusted-root", "root.json", "--certificate-identity-regexp", "https://cairn\\.test/orgs/acme/.*");
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(leaf.san);
    expect(table.stdout).toContain("RFC 3161 acme-tsa");
    expect(table.stderr).not.toContain("no identity was required");
  });

  test("without identity flags it verifies, prints the identity and warns that none was required", () => {
    const r = verify("--trusted-root", "root.json");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`WRN no identity was required: any identity certified by a CA of trusted root root.json verifies; this one is ${leaf.san}`);
    expect(r.stdout).toContain("none required");
  });

  test("identity and issuer mismatches name expected and actual; a partial regexp match is not enough", () => {
    const wrong = verify("--trusted-root", "root.json", "--certificate-identity", "https://cairn.test/orgs/evil/workflows/app/build");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`ERR identity mismatch: certificate SAN is ${leaf.san}, expected https://cairn.test/orgs/evil/workflows/app/build`);
    expect(verify("--trusted-root", "root.json", "--certificate-identity-regexp", "acme").stderr).toContain("does not match acme (whole value)");
    expect(verify("--trusted-root", "root.json", "--certificate-oidc-issuer", "https://accounts.google.com").stderr).toContain(
      "issuer mismatch: certificate OIDC issuer is https://cairn.test, expected https://accounts.google.com",
    );
    const both = verify("--trusted-root", "root.json", "--certificate-identity", "a", "--certificate-identity-regexp", "b");
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("--certificate-identity and --certificate-identity-regexp are exclusive")]);
    expect(verify("--trusted-root", "root.json", "--certificate-identity-regexp", "(").code).toBe(2);
  });

  test("--trusted-root is exclusive: another root's CA is untrusted even when the home trusts it", () => {
    mkdirSync(join(sb.home, "ca"), { recursive: true });
    writeFileSync(join(sb.home, "ca", "trusted_root.json"), readFileSync(sb.path("root.json")));
    const r = verify("--trusted-root", "other-root.json");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ERR untrusted CA: the certificate was issued by CN=acme-intermediate, O=cairn-test, a CA in none of the trusted roots (other-root.json)");
    // Without --trusted-root the home's CA is trusted automatically, as home-ca.
    expect(sb.json<{ signer: { root: string } }>(["att", "verify", "-b", "b.json", "--predicate-type", "any"]).signer.root).toBe("home-ca");
  });

  test("no verified time, --digest, --predicate-type and a message signature", () => {
    const noTime = sb.run(["att", "verify", "-b", "no-time.json", "--trusted-root", "root.json", "--predicate-type", "any"]);
    expect(noTime.code).toBe(1);
    expect(noTime.stderr).toContain("ERR no verified time: the bundle carries no RFC 3161 timestamp");
    expect(verify("--trusted-root", "root.json", "--digest", SUBJECT).code).toBe(0);
    expect(verify("--trusted-root", "root.json", "--digest", `sha256:${"0".repeat(64)}`).stderr).toContain("is not a subject digest of the statement");
    expect(verify("--trusted-root", "root.json", "--digest", "md5:abc").code).toBe(2);
    expect(sb.run(["att", "verify", "-b", "b.json", "--trusted-root", "root.json"]).stderr).toContain("predicate type is https://cairn.dev/attestation/v1, expected https://cairn.dev/attestation/v0.1");
    const blob = sb.json<{ kind: string; messageDigest: string }>(["att", "verify", "-b", "blob.sigstore.json", "--trusted-root", "root.json", "--artifact", "blob.txt"]);
    expect(blob.kind).toBe("message");
    expect(sb.run(["att", "verify", "-b", "blob.sigstore.json", "--trusted-root", "root.json", "--artifact", "blob.txt", "--digest", blob.messageDigest]).code).toBe(0);
    expect(sb.run(["att", "verify", "-b", "blob.sigstore.json", "--trusted-root", "root.json"]).stderr).toContain("pass the signed file with --artifact FILE");
  });
});

describe("trust-root add|list|remove|export", () => {
  const sb = new Sandbox();
  let rootText = "";
  beforeAll(async () => {
    const [ca, tsa] = await Promise.all([makeCa("team"), makeTsa("team-tsa")]);
    rootText = JSON.stringify(trustedRoot({ cas: [ca], tsas: [tsa] }));
    writeFileSync(sb.path("team.json"), rootText);
    writeFileSync(sb.path("garbage.json"), '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","certificateAuthorities":[{"certChain":{"certificates":[{"rawBytes":"AAAA"}]}}]}');
  });
  afterAll(() => sb.cleanup());

  test("add validates and keeps the file; list shows counts; names are checked; remove forgets it", () => {
    const added = sb.json<{ name: string; cas: number; tsas: number }>(["trust-root", "add", "team", "team.json"]);
    expect(added).toMatchObject({ name: "team", cas: 1, tsas: 1 });
    expect(readFileSync(join(sb.home, "trust-roots", "team.json"), "utf8")).toBe(rootText);
    const list = sb.json<{ name: string; source: string; cas: number; tlogs: number }[]>(["trust-root", "list"]);
    expect(list.map((r) => r.name)).toEqual(["sigstore-public-good", "team"]);
    expect(list[0]).toMatchObject({ source: "embedded (@sigstore/tuf seeds.json)" });
    expect(list[0]!.cas).toBeGreaterThan(0);
    expect(sb.run(["trust-root", "add", "team", "team.json"]).stderr).toContain("trust root team already exists");
    for (const [name, msg] of [["Bad Name", "is not valid"], ["home-ca", "is reserved"], ["../x", "is not valid"]] as const) {
      const r = sb.run(["trust-root", "add", name, "team.json"]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(msg)]);
    }
    const bad = sb.run(["trust-root", "add", "bad", "garbage.json"]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("garbage.json is not a Sigstore trusted_root.json")]);
    expect(existsSync(join(sb.home, "trust-roots", "bad.json"))).toBe(false);
    expect(sb.run(["trust-root", "remove", "sigstore-public-good"]).stderr).toContain("is built in and cannot be removed");
    expect(sb.run(["trust-root", "remove", "nope"]).stderr).toContain("trust root nope does not exist");
    sb.ok(["trust-root", "remove", "team"]);
    expect(sb.json<{ name: string }[]>(["trust-root", "list"]).map((r) => r.name)).toEqual(["sigstore-public-good"]);
  });

  test("export: the home CA's trusted root, to stdout or -o FILE; none without a CA", () => {
    const none = sb.run(["trust-root", "export"]);
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining("has no CA")]);
    mkdirSync(join(sb.home, "ca"), { recursive: true });
    writeFileSync(join(sb.home, "ca", "trusted_root.json"), rootText);
    expect(sb.ok(["trust-root", "export"]).stdout).toBe(`${rootText}\n`);
    sb.ok(["trust-root", "export", "-o", "out.json"]);
    expect(readFileSync(sb.path("out.json"), "utf8")).toBe(rootText);
    expect(sb.json<{ name: string }[]>(["trust-root", "list"]).map((r) => r.name)).toEqual(["sigstore-public-good", "home-ca"]);
  });

  test("export --control-plane: GET /api/v1/trusted-root, no token sent, the answer checked", async () => {
    const seen: (string | null)[] = [];
    let body = rootText;
    let status = 200;
    const server = Bun.serve({
      port: 0,
      fetch: (req) => {
        seen.push(`${new URL(req.url).pathname} auth=${req.headers.get("authorization")}`);
        return new Response(body, { status, headers: { "content-type": "application/json" } });
      },
    });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      // A token in the environment is not sent to the public route.
      const ok = await runAsync(sb, ["trust-root", "export", "--control-plane", url, "-o", "remote.json"], { CAIRN_TOKEN: "secret" });
      expect(ok.code).toBe(0);
      expect(readFileSync(sb.path("remote.json"), "utf8")).toBe(rootText);
      expect(seen).toEqual(["/api/v1/trusted-root auth=null"]);
      body = '{"not":"a root"}';
      const bad = await runAsync(sb, ["trust-root", "export", "--control-plane", url]);
      expect(bad.stderr).toContain("/api/v1/trusted-root is not a Sigstore trusted_root.json");
      status = 501;
      body = '{"code":501,"message":"no CA"}';
      expect((await runAsync(sb, ["trust-root", "export", "--control-plane", url])).stderr).toContain("serves no trusted root (HTTP 501)");
    } finally {
      server.stop(true);
    }
  });
});

/** The binary run without blocking this process's event loop (the stub server above answers it). */
async function runAsync(sb: Sandbox, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([BIN, ...args], { cwd: sb.dir, env: { ...sb.env, ...extraEnv }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

// Chainloop's keyless test bundle (../shared/conformance/chainloop, Apache-2.0, never copied into the repo): a
// certificate from its CA (ca.pub) with no timestamp and no log entry. Sigstore's rule is that a certificate needs a
// verified time inside its validity, so cairn refuses it, and says why.
const CHAINLOOP = new URL("../../../shared/conformance/chainloop/pkg_attestation_verifier_testdata/", import.meta.url).pathname;
describe.skipIf(!existsSync(CHAINLOOP))("Chainloop's keyless bundle_valid.json", () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());
  test("refused: no verified time (the bundle has no timestamp or log entry, and Sigstore requires one)", () => {
    const pem = readFileSync(join(CHAINLOOP, "ca.pub"), "utf8");
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64").toString("base64");
    const root = { mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [], ctlogs: [], timestampAuthorities: [], certificateAuthorities: [{ subject: { organization: "Chainloop", commonName: "chainloop" }, uri: "", certChain: { certificates: [{ rawBytes: der }] } }] };
    writeFileSync(sb.path("chainloop-root.json"), JSON.stringify(root));
    const r = sb.run(["att", "verify", "-b", join(CHAINLOOP, "bundle_valid.json"), "--trusted-root", "chainloop-root.json", "--predicate-type", "any"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "ERR no verified time: the bundle carries no RFC 3161 timestamp or transparency-log time from an authority of trusted root chainloop-root.json (a certificate needs one inside its validity)",
    );
  });

  test("a GitHub artifact attestation (GitHub's private Sigstore) is an untrusted CA for the public-good root", () => {
    const r = sb.run(["att", "verify", "-b", join(CHAINLOOP, "../pkg_attestation_crafter_materials_testdata/slsa_provenance.sigstore.json"), "--predicate-type", "any"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ERR untrusted CA: the certificate was issued by O=GitHub\\, Inc., CN=Fulcio Intermediate l2, a CA in none of the trusted roots (sigstore-public-good)");
  });
});
