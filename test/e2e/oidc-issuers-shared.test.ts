// CI issuers on replicas of the compiled binary: two `cairn serve` on one PostgreSQL database, with the CA, log key
// and OIDC key the operator made once and copied into each home. One `cairn --database URL ca oidc add`, run from a
// third machine that has nothing but the database URL, registers a CI issuer for both: within a second each replica
// exchanges the CI's token for a certificate and logs an artifact's signature with it, as cosign signs keyless. After
// `ca oidc remove` from that machine, both refuse the issuer's tokens within a second.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash, generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { pgMissing, testDatabase, type TestDatabase } from "../../src/store/pg/pg.testutil.ts";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

setDefaultTimeout(120_000);
const skip = pgMissing();
const GH = "https://token.actions.githubusercontent.com";
const PUBLIC_URL = "https://cairn.example.com";
/** The bound on an add's or a removal's reaching every replica (ISSUERS_MAX_AGE_MS), with room for the request itself. */
const WITHIN_MS = 1500;

const admin = new Sandbox(); // makes the CA and keys once
const homes = [new Sandbox(), new Sandbox()];
const operator = new Sandbox(); // another machine: only CAIRN_DATABASE_URL
let pg: TestDatabase;
let replicas: Served[] = [];
let ci: CryptoKey;

const claims = {
  job_workflow_ref: "acme/app/.github/workflows/release.yml@refs/heads/main", job_workflow_sha: "b".repeat(40), repository: "acme/app", repository_id: "1", repository_owner: "acme", repository_owner_id: "2",
  repository_visibility: "private", ref: "refs/heads/main", sha: "a".repeat(40), event_name: "push", workflow_ref: "acme/app/.github/workflows/release.yml@refs/heads/main", workflow_sha: "b".repeat(40),
  run_id: "7", run_attempt: "1", runner_environment: "github-hosted", workflow: "release",
};
const SUB = "repo:acme/app:ref:refs/heads/main";
/** A GitHub Actions ID token, as the runner's token endpoint gives one, signed with the key of the JWKS registered. */
const ciToken = () => new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "gh-1" }).setIssuer(GH).setSubject(SUB).setAudience("sigstore").setIssuedAt().setExpirationTime("5m").sign(ci);

const b64 = (b: Uint8Array | string) => Buffer.from(b).toString("base64");
const post = async (url: string, path: string, body: unknown) => {
  const res = await fetch(url + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
};

/** Fulcio's signingCert with the CI token and a proof of possession of a fresh key; the key, and the answer. */
async function signingCert(url: string) {
  const key = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const answer = await post(url, "/api/v2/signingCert", {
    credentials: { oidcIdentityToken: await ciToken() },
    publicKeyRequest: { publicKey: { algorithm: "ECDSA", content: key.publicKey.export({ type: "spki", format: "pem" }).toString() }, proofOfPossession: b64(sign("sha256", Buffer.from(SUB), key.privateKey)) },
  });
  return { key, answer };
}

/** Asks `url` for a certificate until it answers `status`; the milliseconds since `since` when it did. */
async function until(url: string, status: 201 | 401, since: number): Promise<number> {
  for (;;) {
    const { answer } = await signingCert(url);
    if (answer.status === status) return performance.now() - since;
    if (performance.now() - since > 10_000) throw new Error(`${url} still answers ${answer.status} ${answer.text}`);
    await Bun.sleep(20);
  }
}

beforeAll(async () => {
  if (skip) return;
  pg = (await testDatabase({ migrate: false }))!;
  for (const sb of [admin, ...homes, operator]) sb.env.CAIRN_DATABASE_URL = pg.url;
  admin.ok(["ca", "init"]);
  for (const h of homes) for (const d of ["ca", "log", "oidc"]) cpSync(join(admin.home, d), join(h.home, d), { recursive: true });
  replicas = await Promise.all(homes.map((h) => serve(h, ["--public-url", PUBLIC_URL])));
  const pair = await generateKeyPair("RS256");
  ci = pair.privateKey;
  writeFileSync(operator.path("github-jwks.json"), JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "gh-1", alg: "RS256", use: "sig" }] }));
});

afterAll(async () => {
  for (const r of replicas) if (r.proc.exitCode === null) await r.stop();
  await pg?.drop();
  for (const sb of [admin, ...homes, operator]) sb.cleanup();
});

describe.skipIf(skip !== undefined)(`CI issuers shared by the replicas of one database${skip ? ` (skipped: ${skip})` : ""}`, () => {
  test("before any is registered, both replicas refuse the CI token: its issuer is not registered", async () => {
    for (const r of replicas) {
      expect(r.stderr()).toContain("keyless signing on");
      const { answer } = await signingCert(r.url);
      expect(answer.status).toBe(401);
      expect(answer.json().message).toContain(`the identity token's issuer ${GH} is not registered with this CA`);
    }
  });

  test("one `ca oidc add` from the operator's machine: within a second each replica issues the CI identity's certificate and logs a signature with it", async () => {
    operator.ok(["ca", "oidc", "add", "--issuer", GH, "--jwks", "github-jwks.json", "--audience", "sigstore"]);
    const added = performance.now();
    const took = await Promise.all(replicas.map((r) => until(r.url, 201, added)));
    console.log(`ca oidc add reached the replicas after ${took.map((ms) => ms.toFixed(0)).join(" and ")} ms`);
    for (const ms of took) expect(ms).toBeLessThan(WITHIN_MS);

    const artifact = Buffer.from("release build\n");
    for (const r of replicas) {
      const { key, answer } = await signingCert(r.url);
      expect(answer.status).toBe(201);
      const leafPem = answer.json().signedCertificateDetachedSct.chain.certificates[0] as string;
      const leaf = new X509Certificate(leafPem);
      expect(leaf.subjectAltName).toBe("URI:https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main");
      const logged = await post(r.url, "/api/v2/log/entries", {
        hashedRekordRequestV002: {
          digest: b64(createHash("sha256").update(artifact).digest()),
          signature: { content: b64(sign("sha256", artifact, key.privateKey)), verifier: { x509Certificate: { rawBytes: b64(leaf.raw) }, keyDetails: "PKIX_ECDSA_P256_SHA_256" } },
        },
      });
      expect([logged.status, logged.text]).toEqual([201, expect.stringContaining('"logIndex"')]);
    }
    // What the replicas' homes list is the database's registration, made on the operator's machine.
    const listed = homes[1]!.json<{ issuer: string; jwksFile: string }[]>(["ca", "oidc", "list"]);
    expect(listed).toEqual([expect.objectContaining({ issuer: GH, jwksFile: operator.path("github-jwks.json") })]);
    expect(operator.run(["ca", "oidc", "add", "--issuer", GH, "--jwks", "github-jwks.json", "--audience", "sigstore"]).stderr).toContain(`OIDC issuer ${GH} is already registered`);
  });

  test("`ca oidc remove` from the operator's machine: within a second both replicas refuse the issuer's tokens", async () => {
    for (const r of replicas) expect((await signingCert(r.url)).answer.status).toBe(201); // each holds the issuer now
    operator.ok(["ca", "oidc", "remove", "--issuer", GH]);
    const removed = performance.now();
    const took = await Promise.all(replicas.map((r) => until(r.url, 401, removed)));
    console.log(`ca oidc remove reached the replicas after ${took.map((ms) => ms.toFixed(0)).join(" and ")} ms`);
    for (const ms of took) expect(ms).toBeLessThan(WITHIN_MS);
    for (const r of replicas) {
      const { answer } = await signingCert(r.url);
      expect([answer.status, answer.json().message]).toEqual([401, expect.stringContaining(`${GH} is not registered with this CA`)]);
    }
    expect(operator.run(["ca", "oidc", "remove", "--issuer", GH]).stderr).toContain(`OIDC issuer ${GH} is not registered`);
  });
});
