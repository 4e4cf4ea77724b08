import { beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { RFC3161Timestamp } from "@sigstore/core";
import { issueLeaf, makeBundle, makeCa, trustedRoot, type Ca, type Tsa } from "../trust/testkit.testutil.ts";
import { verifyBundle } from "../trust/verifier.ts";
import { makeTsaChain, type TsaChain } from "./chain.testutil.ts";
import { inProcessTimestampAuthority } from "./local.ts";
import { createTimestamper } from "./respond.ts";

let ca: Ca;
let chain: TsaChain;
let asTestkitTsa: Tsa;
beforeAll(async () => {
  [ca, chain] = await Promise.all([makeCa("acme"), makeTsaChain("P-256")]);
  asTestkitTsa = { name: "cairn-tsa", leafDer: chain.leafDer, rootDer: chain.rootDer, keys: { privateKey: chain.key, publicKey: chain.publicKey } };
});

describe("inProcessTimestampAuthority", () => {
  test("timestamps SHA-256(signature) at the clock's time, under its name", async () => {
    const at = new Date("2026-05-06T07:08:09.999Z");
    const authority = inProcessTimestampAuthority(createTimestamper({ chainDer: [chain.leafDer, chain.rootDer], key: chain.key }), { now: () => at }, "the home TSA");
    expect(authority.name).toBe("the home TSA");
    const ts = RFC3161Timestamp.parse(Buffer.from(await authority.timestamp(new Uint8Array([1, 2, 3]))));
    expect(ts.signingTime).toEqual(new Date("2026-05-06T07:08:09.000Z"));
    ts.verify(Buffer.from([1, 2, 3]), new X509Certificate(Buffer.from(chain.leafDer)).publicKey);
    expect(() => ts.verify(Buffer.from([1, 2, 4]), new X509Certificate(Buffer.from(chain.leafDer)).publicKey)).toThrow(/message imprint does not match/);
  });

  test("a bundle timestamped by it verifies against a trusted root listing the TSA (@sigstore/verify: chain, signer id, time)", async () => {
    const authority = inProcessTimestampAuthority(createTimestamper({ chainDer: [chain.leafDer, chain.rootDer], key: chain.key }), { now: () => new Date() }, "cairn-tsa");
    const leaf = await issueLeaf(ca);
    const bytes = await makeBundle({ leaf, witness: async (sig) => ({ timestamps: [await authority.timestamp(sig)] }) });
    const v = verifyBundle(bytes, { keys: [], roots: [{ name: "acme", json: trustedRoot({ cas: [ca], tsas: [asTestkitTsa] }) }] });
    expect(v.timestamps).toHaveLength(1);
    expect(v.timestamps[0]).toMatchObject({ source: "rfc3161", authority: "cairn-tsa", root: "acme" });
  });
});
