// Keyless interop with implementations we did not write: sigstore-js signs through a real `cairn serve` as its
// Fulcio and TSA and verifies with only the server's trusted root; openssl checks the certificate chain and the
// RFC 3161 timestamp of a bundle cairn's own keyless push made.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { bundleFromJSON, bundleToJSON } from "@sigstore/bundle";
import { DSSEBundleBuilder, FulcioSigner, TSAWitness } from "@sigstore/sign";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { X509Certificate } from "node:crypto";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const sb = new Sandbox();
let served: Served;
let attestor: string;

async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(served.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { "Content-Type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface RootJson {
  certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[];
  timestampAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[];
}

async function trustedRoot(): Promise<RootJson> {
  const res = await fetch(`${served.url}/api/v1/trusted-root`);
  expect(res.status).toBe(200);
  return (await res.json()) as RootJson;
}

const pem = (der: Uint8Array, label: string) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;

beforeAll(async () => {
  sb.ok(["ca", "init"]);
  sb.ok(["att", "init", "--workflow", "build", "--project", "app"]);
  sb.ok(["att", "reset"]);
  attestor = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--project", "app", "--workflow", "build"]).token;
  served = await serve(sb);
});
afterAll(async () => {
  await served?.stop();
  sb.cleanup();
});

describe("sigstore-js against cairn serve", () => {
  test("FulcioSigner + TSAWitness sign; @sigstore/verify accepts with the served trusted root and the issued SAN only", async () => {
    const exchanged = await api<{ token: string; subject: string }>("POST", "/api/v1/identity-token", attestor, {});
    expect(exchanged.status).toBe(200);
    const signer = new FulcioSigner({ fulcioBaseURL: served.url, identityProvider: { getToken: async () => exchanged.body.token } });
    const builder = new DSSEBundleBuilder({ signer, witnesses: [new TSAWitness({ tsaBaseURL: `${served.url}/api/v1/timestamp` })] });
    const statement = { _type: "https://in-toto.io/Statement/v1", subject: [{ name: "app", digest: { sha256: "a".repeat(64) } }], predicateType: "https://example.com/p", predicate: {} };
    const bundle = await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: "application/vnd.in-toto+json" });
    const json = bundleToJSON(bundle);
    expect(json.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.length).toBe(1);

    const trust = toTrustMaterial(TrustedRoot.fromJSON(await trustedRoot()));
    const verifier = new Verifier(trust, { ctlogThreshold: 0, tlogThreshold: 0, timestampThreshold: 1 });
    const entity = toSignedEntity(bundleFromJSON(json));
    const subject = exchanged.body.subject;
    expect(subject).toBe(`${served.url}/orgs/default/workflows/app/build`);
    const signer2 = verifier.verify(entity, { subjectAlternativeName: new RegExp(`^${subject.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`), extensions: { issuer: served.url } });
    expect(signer2.identity?.subjectAlternativeName).toBe(subject);
    expect(() => verifier.verify(entity, { subjectAlternativeName: /^https:\/\/elsewhere\/$/ })).toThrow();
  });
});

describe("a cairn keyless bundle, checked by openssl and @sigstore/verify", () => {
  test("att push with no key against the server: openssl verify accepts the leaf chain, openssl ts -verify the timestamp", async () => {
    const env = { CAIRN_CONTROL_PLANE: served.url, CAIRN_TOKEN: attestor };
    writeFileSync(sb.path("app.bin"), "app\n");
    sb.ok(["att", "init", "--workflow", "build", "--project", "app", "--replace"], env);
    sb.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"], env);
    const pushed = sb.json<{ digest: string; signing?: { method: string } }>(["att", "push", "--bundle", "keyless.json"], env);
    expect(pushed.digest).toMatch(/^sha256:/);
    const bundle = JSON.parse(await Bun.file(sb.path("keyless.json")).text());
    const leafDer = Buffer.from(bundle.verificationMaterial.certificate.rawBytes, "base64");
    const root = await trustedRoot();
    const ca = root.certificateAuthorities[0]!.certChain.certificates.map((c) => Buffer.from(c.rawBytes, "base64"));
    writeFileSync(sb.path("leaf.pem"), pem(leafDer, "CERTIFICATE"));
    writeFileSync(sb.path("intermediates.pem"), ca.slice(0, -1).map((d) => pem(d, "CERTIFICATE")).join(""));
    writeFileSync(sb.path("root.pem"), pem(ca.at(-1)!, "CERTIFICATE"));
    // The leaf is valid for 10 minutes from issuance: check it at issuance time, as Sigstore does with the timestamp.
    const at = Math.floor(new Date(new X509Certificate(leafDer).validFrom).getTime() / 1000) + 1;
    const v = Bun.spawnSync(["openssl", "verify", "-attime", String(at), "-purpose", "any", "-CAfile", sb.path("root.pem"), "-untrusted", sb.path("intermediates.pem"), sb.path("leaf.pem")]);
    expect(v.stdout.toString() + v.stderr.toString()).toContain("leaf.pem: OK");

    const tsa = root.timestampAuthorities[0]!.certChain.certificates.map((c) => Buffer.from(c.rawBytes, "base64"));
    writeFileSync(sb.path("tsa-root.pem"), pem(tsa.at(-1)!, "CERTIFICATE"));
    writeFileSync(sb.path("tsa-chain.pem"), tsa.slice(0, -1).map((d) => pem(d, "CERTIFICATE")).join(""));
    writeFileSync(sb.path("reply.tsr"), Buffer.from(bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, "base64"));
    writeFileSync(sb.path("sig.bin"), Buffer.from(bundle.dsseEnvelope.signatures[0].sig, "base64"));
    const ts = Bun.spawnSync(["openssl", "ts", "-verify", "-data", sb.path("sig.bin"), "-in", sb.path("reply.tsr"), "-CAfile", sb.path("tsa-root.pem"), "-untrusted", sb.path("tsa-chain.pem")]);
    expect(ts.stdout.toString() + ts.stderr.toString()).toContain("Verification: OK");

    // @sigstore/verify, given only the served trusted root: the SAN cairn issued passes, another SAN fails.
    const sigstoreVerifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(root)), { ctlogThreshold: 0, tlogThreshold: 0, timestampThreshold: 1 });
    const entity = toSignedEntity(bundleFromJSON(bundle));
    const issued = `${served.url}/orgs/default/workflows/app/build`;
    const exact = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
    expect(sigstoreVerifier.verify(entity, { subjectAlternativeName: exact(issued), extensions: { issuer: served.url } }).identity?.subjectAlternativeName).toBe(issued);
    expect(() => sigstoreVerifier.verify(entity, { subjectAlternativeName: exact(`${served.url}/orgs/default/workflows/app/deploy`) })).toThrow();
    expect(() => sigstoreVerifier.verify(entity, { subjectAlternativeName: exact(issued), extensions: { issuer: "https://elsewhere.example" } })).toThrow();
    writeFileSync(sb.path("served-root.json"), JSON.stringify(root));
    const verified = sb.json<{ signer: { identity?: string } }>(["att", "verify", "--bundle", "keyless.json", "--trusted-root", "served-root.json", "--certificate-identity", `${served.url}/orgs/default/workflows/app/build`, "--certificate-oidc-issuer", served.url], {});
    expect(JSON.stringify(verified)).toContain(`${served.url}/orgs/default/workflows/app/build`);
  });
});
