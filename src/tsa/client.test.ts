import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, X509Certificate } from "node:crypto";
import { TSAWitness } from "@sigstore/sign";
import { RFC3161Timestamp } from "@sigstore/core";
import { CairnError, httpStatusFor } from "../errors.ts";
import { makeTsaChain, type TsaChain } from "./chain.testutil.ts";
import { httpTimestampAuthority } from "./client.ts";
import { parseReply } from "./client.testutil.ts";
import { parseTimestampRequest, TIMESTAMP_REPLY } from "./request.ts";
import { createTimestamper, type Timestamper } from "./respond.ts";
import type { TimestampRequest } from "./types.ts";

const SIGNATURE = Buffer.from("signature bytes of a bundle") as Buffer<ArrayBuffer>;
let chain: TsaChain;
let tsa: Timestamper;
let server: ReturnType<typeof Bun.serve>;
let base: string;
const seen: string[] = [];

/** A TSA route as `cairn serve` will have it, plus routes that answer wrongly on purpose. */
async function handle(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  seen.push(`${req.method} ${path} ${req.headers.get("content-type")}`);
  const reply = (body: Uint8Array, type = TIMESTAMP_REPLY, status = 200) => new Response(body, { status, headers: { "Content-Type": type } });
  let parsed: TimestampRequest;
  try {
    parsed = parseTimestampRequest(new Uint8Array(await req.arrayBuffer()), req.headers.get("content-type") ?? "");
  } catch (e) {
    return Response.json({ code: httpStatusFor(e), message: (e as Error).message }, { status: httpStatusFor(e) });
  }
  switch (path) {
    case "/api/v1/timestamp":
      return reply(await tsa.respond(parsed, new Date()));
    case "/other-nonce":
      return reply(await tsa.respond({ ...parsed, nonce: new Uint8Array([0x01, 0x02]) }, new Date()));
    case "/no-nonce":
      return reply(await tsa.respond({ ...parsed, nonce: undefined }, new Date()));
    case "/other-digest":
      return reply(await tsa.respond({ ...parsed, digest: new Uint8Array(32) }, new Date()));
    case "/rejects":
      return reply(tsa.reject("unacceptedPolicy", "no such policy here"));
    case "/html":
      return reply(new TextEncoder().encode("<html>"), "text/html");
    case "/garbage":
      return reply(new Uint8Array([0x30, 0x03, 0x02, 0x01]));
    case "/broken":
      return Response.json({ code: 500, message: "signer unavailable" }, { status: 500 });
    default:
      return new Response("not found", { status: 404 });
  }
}

beforeAll(async () => {
  chain = await makeTsaChain("P-256");
  tsa = createTimestamper({ chainDer: [chain.leafDer, chain.rootDer], key: chain.key });
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handle });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

async function failure(url: string): Promise<CairnError> {
  try {
    await httpTimestampAuthority(url).timestamp(SIGNATURE);
  } catch (e) {
    if (e instanceof CairnError) return e;
    throw e;
  }
  throw new Error("expected a CairnError");
}

describe("httpTimestampAuthority", () => {
  test("sends a DER query with nonce and certReq; returns the DER TimeStampResp, which verifies", async () => {
    const authority = httpTimestampAuthority(base);
    expect(authority.name).toBe(`${base}/api/v1/timestamp`);
    const der = await authority.timestamp(SIGNATURE);
    expect(seen.at(-1)).toBe("POST /api/v1/timestamp application/timestamp-query");
    const reply = parseReply(der);
    expect(reply.certificates).toBe(1);
    expect(reply.nonce?.byteLength).toBe(8);
    expect(Buffer.from(reply.digest).equals(createHash("sha256").update(SIGNATURE).digest())).toBe(true);
    RFC3161Timestamp.parse(Buffer.from(der)).verify(SIGNATURE, new X509Certificate(Buffer.from(chain.leafDer)).publicKey);
    const twice = parseReply(await authority.timestamp(SIGNATURE));
    expect(Buffer.from(twice.nonce!).equals(Buffer.from(reply.nonce!))).toBe(false);
  });

  test("a full endpoint URL is used as it is; a fetch can be passed in", async () => {
    const calls: string[] = [];
    const recording: typeof fetch = Object.assign((...args: Parameters<typeof fetch>) => {
      calls.push(String(args[0]));
      return fetch(...args);
    }, { preconnect: fetch.preconnect });
    await httpTimestampAuthority(`${base}/api/v1/timestamp`, { fetch: recording }).timestamp(SIGNATURE);
    expect(calls).toEqual([`${base}/api/v1/timestamp`]);
  });

  test("a reply with another nonce, none, or another digest is VERIFY_FAILED", async () => {
    expect((await failure(`${base}/other-nonce`)).message).toBe(`the timestamp authority at ${base}/other-nonce answered with another nonce (the reply is not for this request)`);
    expect((await failure(`${base}/no-nonce`)).message).toMatch(/answered without the request's nonce$/);
    const e = await failure(`${base}/other-digest`);
    expect(e.code).toBe("VERIFY_FAILED");
    expect(e.message).toMatch(/timestamped another digest than the one asked for/);
  });

  test("a rejection is VERIFY_FAILED with the status, failure and text", async () => {
    const e = await failure(`${base}/rejects`);
    expect(e.code).toBe("VERIFY_FAILED");
    expect(e.message).toBe(`the timestamp authority at ${base}/rejects did not grant the timestamp: status rejection (unacceptedPolicy: no such policy here)`);
  });

  test("HTTP errors, another Content-Type and undecodable replies are IO with the reason", async () => {
    const broken = await failure(`${base}/broken`);
    expect([broken.code, broken.message]).toEqual(["IO", `the timestamp authority at ${base}/broken answered 500 Internal Server Error: signer unavailable`]);
    expect((await failure(`${base}/nowhere`)).message).toBe(`the timestamp authority at ${base}/nowhere answered 404 Not Found: not found`);
    const html = await failure(`${base}/html`);
    expect([html.code, html.message]).toEqual(["IO", `the timestamp authority at ${base}/html answered with Content-Type "text/html", not application/timestamp-reply`]);
    const garbage = await failure(`${base}/garbage`);
    expect(garbage.code).toBe("IO");
    expect(garbage.message).toMatch(/sent a reply that is not an RFC 3161 TimeStampResp: /);
  });

  test("an unreachable TSA is NETWORK naming the URL", async () => {
    const gone = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${gone.port}/api/v1/timestamp`;
    gone.stop(true);
    const e = await failure(url);
    expect(e.code).toBe("NETWORK");
    expect(e.message).toStartWith(`cannot reach the timestamp authority at ${url}: `);
  });
});

describe("the same route answers sigstore-js", () => {
  test("TSAWitness's JSON request gets a token that @sigstore/core verifies", async () => {
    const witness = new TSAWitness({ tsaBaseURL: base, retry: 0, timeout: 5000 });
    const out = await witness.testify({ $case: "messageSignature", messageSignature: { signature: SIGNATURE, messageDigest: { algorithm: 1, digest: Buffer.alloc(32) as Buffer<ArrayBuffer> } } });
    expect(seen.at(-1)).toBe("POST /api/v1/timestamp application/json");
    const der = out.rfc3161Timestamps[0]!.signedTimestamp;
    RFC3161Timestamp.parse(der as Buffer<ArrayBuffer>).verify(SIGNATURE, new X509Certificate(Buffer.from(chain.leafDer)).publicKey);
    expect(parseReply(der).certificates).toBe(0);
  });
});
