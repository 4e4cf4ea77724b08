// Keyless signing through the compiled binary: the home's CA in process (`att push --keyless`), and `cairn serve` as
// CA + TSA + OIDC issuer (`att push` with no key), with every refusal the issue lists — malformed CSR, failed proof of
// possession, foreign and expired OIDC tokens, another scope, bad timestamp queries — answered clearly, nothing
// issued, and all in the audit trail.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const sb = new Sandbox();
let served: Served;
let buildToken: string;
let env: Record<string, string>;

async function call(method: string, path: string, init: { token?: string; body?: unknown; raw?: Uint8Array | string; type?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined || init.type) headers["Content-Type"] = init.type ?? "application/json";
  const res = await fetch(served.url + path, { method, headers, body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

const ephemeral = () => {
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { ...pair, pem: pair.publicKey.export({ type: "spki", format: "pem" }).toString() };
};
const popRequest = (token: string, k: ReturnType<typeof ephemeral>, subject: string) => ({
  credentials: { oidcIdentityToken: token },
  publicKeyRequest: { publicKey: { algorithm: "ECDSA", content: k.pem }, proofOfPossession: sign("sha256", Buffer.from(subject), k.privateKey).toString("base64") },
});
const identityToken = async (token = buildToken, body: unknown = {}) => (await call("POST", "/api/v1/identity-token", { token, body })).json() as { token: string; subject: string };
const audit = (action: string) => sb.json<{ items: { action: string; outcome: string; target: string; actor: string }[] }>(["audit", "list", "--action", action, "--limit", "1000"]).items;
const adminAudit = (action: string) => sb.json<{ items: { action: string; outcome: string; actor: string }[] }>(["audit", "list", "--action", action, "--limit", "1000"]).items;

beforeAll(async () => {
  sb.ok(["ca", "init"]);
  sb.ok(["att", "init", "--workflow", "build", "--project", "app"]);
  sb.ok(["att", "reset"]);
  sb.ok(["att", "init", "--workflow", "deploy", "--project", "other"]);
  sb.ok(["att", "reset"]);
  buildToken = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--project", "app", "--workflow", "build"]).token;
  served = await serve(sb);
  env = { CAIRN_CONTROL_PLANE: served.url, CAIRN_TOKEN: buildToken };
});
afterAll(async () => {
  await served?.stop();
  sb.cleanup();
});

describe("att push keyless against cairn serve", () => {
  test("no --key: a certificate for the run's workflow, a timestamp, a verified push; status and push say so", async () => {
    expect(served.stderr()).toContain("keyless signing on");
    writeFileSync(sb.path("app.bin"), "app\n");
    sb.ok(["att", "init", "--workflow", "build", "--project", "app"], env);
    sb.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"], env);
    expect(sb.ok(["att", "status"], env).stdout).toContain(`keyless (certificate from ${served.url}, timestamp from ${served.url})`);
    const pushed = sb.json<{ digest: string; runId: string; signing: { method: string; identity: string } }>(["att", "push", "--bundle", "remote.json"], env);
    const identity = `${served.url}/orgs/default/workflows/app/build`;
    expect(pushed.signing).toMatchObject({ method: `keyless (certificate from ${served.url}, timestamp from ${served.url})`, identity, logIndex: 0 });
    const bundle = JSON.parse(await Bun.file(sb.path("remote.json")).text());
    expect(bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);
    const leaf = new X509Certificate(Buffer.from(bundle.verificationMaterial.certificate.rawBytes, "base64"));
    expect(leaf.subjectAltName).toBe(`URI:${identity}`);
    expect(new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime()).toBe(10 * 60_000);
    const described = sb.json<{ verification?: { signer?: { san?: string; issuer?: string } } }>(["workflow", "run", "describe", "--id", pushed.runId, "--verify"]);
    expect(JSON.stringify(described)).toContain(identity);
    const rows = audit("certificate.issue");
    expect(rows.some((r) => r.outcome === "ok" && r.actor === "token:ci" && r.target.endsWith(`for ${identity}`))).toBe(true);
  });

  test("the private key never touches the disk: nothing in the home or the sandbox holds a PKCS#8 key but the CA's own", () => {
    const found = Bun.spawnSync(["grep", "-rl", "BEGIN PRIVATE KEY\\|BEGIN ENCRYPTED PRIVATE KEY", sb.dir]).stdout.toString().trim().split("\n").filter(Boolean);
    for (const f of found) expect(f).toMatch(/\/home\/(ca|oidc|log)\//);
  });
});

describe("att push --keyless on one machine", () => {
  test("the home's CA and TSA in process; att verify with the local identity; another identity fails", () => {
    const local = new Sandbox();
    try {
      writeFileSync(local.path("app.bin"), "app\n");
      local.ok(["att", "init", "--workflow", "build", "--project", "app"]);
      local.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"]);
      const noCa = local.run(["att", "push", "--keyless"]);
      expect(noCa.code).toBe(1);
      expect(noCa.stderr).toContain("cairn ca init");
      const noKey = local.run(["att", "push"]);
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toContain("--keyless");
      local.ok(["ca", "init"]);
      expect(local.ok(["att", "status"]).stdout).toContain("key");
      const pushed = local.json<{ signing: { identity: string } }>(["att", "push", "--keyless", "--bundle", "local.json"]);
      expect(pushed.signing.identity).toBe("cairn://local/orgs/default/workflows/app/build");
      const ok = local.run(["att", "verify", "--bundle", "local.json", "--certificate-identity", pushed.signing.identity, "--certificate-oidc-issuer", "cairn://local"]);
      expect(ok.code).toBe(0);
      const wrong = local.run(["att", "verify", "--bundle", "local.json", "--certificate-identity", "cairn://local/orgs/default/workflows/app/other", "--certificate-oidc-issuer", "cairn://local"]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("app/build");
    } finally {
      local.cleanup();
    }
  });
});

describe("refusals: nothing issued, every one audited", () => {
  test("a token scoped to app/build cannot get an identity token for other/deploy: the 404 of an absent workflow", async () => {
    const other = await call("POST", "/api/v1/identity-token", { token: buildToken, body: { workflow: "other/deploy" } });
    const absent = await call("POST", "/api/v1/identity-token", { token: buildToken, body: { workflow: "nope/none" } });
    expect(other.status).toBe(404);
    expect(other.text.replaceAll("deploy", "none").replaceAll("other", "nope")).toBe(absent.text);
    const viewer = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "looker", "--role", "viewer"]).token;
    expect((await call("POST", "/api/v1/identity-token", { token: viewer, body: { workflow: "app/build" } })).status).toBe(403);
    expect(audit("identity-token.create").filter((r) => r.outcome.startsWith("refused")).length).toBeGreaterThanOrEqual(3);
  });

  test("signingCert: malformed CSR, failed proof, foreign, expired and revoked-token JWTs, wrong media type", async () => {
    const before = audit("certificate.issue").filter((r) => r.outcome === "ok").length;
    const id = await identityToken();
    const k = ephemeral();
    const csr = await call("POST", "/api/v2/signingCert", { body: { credentials: { oidcIdentityToken: id.token }, certificateSigningRequest: Buffer.from("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n").toString("base64") } });
    expect([csr.status, csr.json().code]).toEqual([400, 400]);
    expect(csr.json().message).toMatch(/certificateSigningRequest|CSR/);
    const wrongProof = await call("POST", "/api/v2/signingCert", { body: popRequest(id.token, k, "someone else") });
    expect(wrongProof.status).toBe(401);
    expect(wrongProof.json().message).toContain("proof of possession");

    const foreignKey = await generateKeyPair("ES256");
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: "ES256" }).setIssuer("https://evil.example").setSubject("x").setAudience("sigstore").setIssuedAt().setExpirationTime("5m").sign(foreignKey.privateKey);
    const f = await call("POST", "/api/v2/signingCert", { body: popRequest(foreign, k, "x") });
    expect(f.status).toBe(401);
    expect(f.json().message).toContain("https://evil.example");
    const forged = await new SignJWT({ org: "default", project: "other", workflow: "deploy", token_id: "x" }).setProtectedHeader({ alg: "ES256" }).setIssuer(served.url).setSubject(`${served.url}/orgs/default/workflows/other/deploy`).setAudience("sigstore").setIssuedAt().setExpirationTime("5m").sign(foreignKey.privateKey);
    expect((await call("POST", "/api/v2/signingCert", { body: popRequest(forged, k, `${served.url}/orgs/default/workflows/other/deploy`) })).status).toBe(401);

    const text = await call("POST", "/api/v2/signingCert", { raw: "x", type: "text/plain" });
    expect(text.status).toBe(415);

    const revocable = sb.json<{ token: string; id: string }>(["org", "api-token", "create", "--name", "short", "--project", "app", "--workflow", "build"]);
    const minted = await identityToken(revocable.token);
    sb.ok(["org", "api-token", "revoke", "--id", revocable.id]);
    const revoked = await call("POST", "/api/v2/signingCert", { body: popRequest(minted.token, k, minted.subject) });
    expect(revoked.status).toBe(401);
    expect(revoked.json().message).toContain("revoked");

    const after = audit("certificate.issue");
    expect(after.filter((r) => r.outcome === "ok").length).toBe(before);
    expect(after.some((r) => r.outcome === "refused: CREDENTIAL_INVALID" && r.actor === "token:short")).toBe(true);
    const anonymous = adminAudit("certificate.issue");
    expect(anonymous.filter((r) => r.actor === "anonymous").length).toBeGreaterThanOrEqual(4);
  });

  test("a CI token of a registered issuer gets a Fulcio-shaped certificate; an expired one is refused", async () => {
    const ci = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(ci.publicKey)), kid: "k1", alg: "RS256" };
    writeFileSync(sb.path("jwks.json"), JSON.stringify({ keys: [jwk] }));
    sb.ok(["ca", "oidc", "add", "--issuer", "https://token.actions.githubusercontent.com", "--jwks", "jwks.json", "--audience", "sigstore", "--org", "default"]);
    // The server reads the issuers from the store at most once a second: its Fulcio configuration lists the new one within that.
    const added = Date.now();
    while (!(await call("GET", "/api/v2/configuration")).json().issuers.some((i: { issuerUrl: string }) => i.issuerUrl === "https://token.actions.githubusercontent.com")) {
      expect(Date.now() - added).toBeLessThan(1500);
      await Bun.sleep(20);
    }
    const claims = {
      job_workflow_ref: "acme/app/.github/workflows/release.yml@refs/heads/main", job_workflow_sha: "b".repeat(40), repository: "acme/app", repository_id: "1", repository_owner: "acme", repository_owner_id: "2",
      repository_visibility: "private", ref: "refs/heads/main", sha: "a".repeat(40), event_name: "push", workflow_ref: "acme/app/.github/workflows/release.yml@refs/heads/main", workflow_sha: "b".repeat(40),
      run_id: "7", run_attempt: "1", runner_environment: "github-hosted", workflow: "release",
    };
    const sub = "repo:acme/app:ref:refs/heads/main";
    const jwt = (exp: string | number) => new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).setIssuer("https://token.actions.githubusercontent.com").setSubject(sub).setAudience("sigstore").setIssuedAt(typeof exp === "number" ? exp - 300 : undefined).setExpirationTime(exp).sign(ci.privateKey);
    const k = ephemeral();
    const ok = await call("POST", "/api/v2/signingCert", { body: popRequest(await jwt("5m"), k, sub) });
    expect(ok.status).toBe(201);
    const leafPem = ok.json().signedCertificateDetachedSct.chain.certificates[0];
    const leaf = new X509Certificate(leafPem);
    expect(leaf.subjectAltName).toBe("URI:https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main");
    expect(Buffer.from(leaf.raw).includes(Buffer.from("refs/heads/main"))).toBe(true);
    const expired = await call("POST", "/api/v2/signingCert", { body: popRequest(await jwt(Math.floor(Date.now() / 1000) - 3600), k, sub) });
    expect(expired.status).toBe(401);
    expect(expired.json().message).toMatch(/expired/);
    const rows = audit("certificate.issue");
    expect(rows.some((r) => r.outcome === "ok" && r.actor.startsWith("oidc:https://token.actions.githubusercontent.com"))).toBe(true);
    expect(adminAudit("certificate.issue").some((r) => r.outcome === "refused: CREDENTIAL_INVALID" && r.actor === "anonymous")).toBe(true);
  });

  test("timestamps: oversized, malformed, wrong media type, SHA-1 — clear errors, all audited; a DER query answers", async () => {
    const big = await call("POST", "/api/v1/timestamp", { raw: new Uint8Array(200_000), type: "application/timestamp-query" });
    expect(big.status).toBe(413);
    const junk = await call("POST", "/api/v1/timestamp", { raw: new Uint8Array([0x30, 0x03, 0x02, 0x01]), type: "application/timestamp-query" });
    expect(junk.status).toBe(400);
    const media = await call("POST", "/api/v1/timestamp", { raw: "x", type: "text/plain" });
    expect(media.status).toBe(415);
    const sha1 = await call("POST", "/api/v1/timestamp", { body: { artifactHash: Buffer.alloc(20).toString("base64"), hashAlgorithm: "sha1" } });
    expect(sha1.status).toBe(400);
    expect(sha1.json().message).toMatch(/sha1/i);
    writeFileSync(sb.path("data.bin"), "stamp me\n");
    const q = Bun.spawnSync(["openssl", "ts", "-query", "-data", sb.path("data.bin"), "-sha256", "-cert", "-out", sb.path("q.tsq")]);
    expect(q.exitCode).toBe(0);
    const reply = await fetch(`${served.url}/api/v1/timestamp`, { method: "POST", headers: { "Content-Type": "application/timestamp-query" }, body: await Bun.file(sb.path("q.tsq")).arrayBuffer() });
    expect([reply.status, reply.headers.get("content-type")]).toEqual([200, "application/timestamp-reply"]);
    writeFileSync(sb.path("r.tsr"), new Uint8Array(await reply.arrayBuffer()));
    writeFileSync(sb.path("chain.pem"), await (await fetch(`${served.url}/api/v1/timestamp/certchain`)).text());
    const pems = (await Bun.file(sb.path("chain.pem")).text()).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
    writeFileSync(sb.path("tsa-root.pem"), pems.at(-1)!);
    const v = Bun.spawnSync(["openssl", "ts", "-verify", "-queryfile", sb.path("q.tsq"), "-in", sb.path("r.tsr"), "-CAfile", sb.path("tsa-root.pem"), "-untrusted", sb.path("chain.pem")]);
    expect(v.stdout.toString() + v.stderr.toString()).toContain("Verification: OK");
    expect(adminAudit("timestamp.create").filter((r) => r.outcome.startsWith("refused")).length).toBeGreaterThanOrEqual(4);
  });
});

describe("a server without a CA", () => {
  test("keyless push fails naming `cairn ca init`; the CA routes answer 501", async () => {
    const bare = new Sandbox();
    const srv = await serve(bare);
    try {
      expect(srv.stderr()).toContain("keyless signing off");
      bare.ok(["att", "init", "--workflow", "build", "--project", "app"]);
      bare.ok(["att", "reset"]);
      const t = bare.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--project", "app", "--workflow", "build"]).token;
      const e = { CAIRN_CONTROL_PLANE: srv.url, CAIRN_TOKEN: t };
      writeFileSync(bare.path("a.bin"), "a\n");
      bare.ok(["att", "init", "--workflow", "build", "--project", "app"], e);
      bare.ok(["att", "add", "--name", "a", "--kind", "ARTIFACT", "--value", "a.bin"], e);
      const r = bare.run(["att", "push"], e);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("cairn ca init");
      expect((await fetch(`${srv.url}/api/v1/trusted-root`)).status).toBe(501);
    } finally {
      await srv.stop();
      bare.cleanup();
    }
  });
});
