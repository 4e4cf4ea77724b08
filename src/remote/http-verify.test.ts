import { describe, expect, test } from "bun:test";
import { expectCode } from "../test-helpers.ts";
import { RemoteClient } from "./http-client.ts";
import { checkVerdict, remoteVerify } from "./http-verify.ts";

const D = `sha256:${"a".repeat(64)}`;
const verdict = { subject: D, resourceUri: "x", result: "PASSED", noValidAttestation: false, considered: [], policyDigest: D, acceptedDigests: [D], verifiedLevels: ["SLSA_BUILD_LEVEL_1"] };

describe("POST /api/v1/verify client", () => {
  test("sends {digest, resourceUri, policy} with the token and returns the verdict", async () => {
    let seen: { url: string; body: unknown; auth: string | null } | undefined;
    const fetchImpl = (async (url: URL, init: RequestInit) => {
      seen = { url: String(url), body: JSON.parse(String(init.body)), auth: new Headers(init.headers).get("authorization") };
      return Response.json(verdict);
    }) as unknown as typeof fetch;
    const client = new RemoteClient({ url: "http://cp", token: "t" }, fetchImpl);
    expect(await remoteVerify(client, { digest: D, resourceUri: "x", policy: { workflow: "w" } })).toEqual(verdict as never);
    expect(seen).toEqual({ url: "http://cp/api/v1/verify", body: { digest: D, resourceUri: "x", policy: { workflow: "w" } }, auth: "Bearer t" });
  });

  test("an answer that is not a verdict for the digest asked is refused (exit codes are decided from it)", async () => {
    await expectCode(() => checkVerdict({ ...verdict, subject: `sha256:${"b".repeat(64)}` }, D), "IO");
    await expectCode(() => checkVerdict({ ...verdict, acceptedDigests: [] }, D), "IO");
    await expectCode(() => checkVerdict({ ok: true }, D), "IO");
  });
});
