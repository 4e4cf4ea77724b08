import { describe, expect, test } from "bun:test";
import { createPublicKey } from "node:crypto";
import { expectCode } from "../test-helpers.ts";
import { pae } from "./pae.ts";
import { verifyEnvelope } from "./envelope.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

// DSSE v1.0.2 protocol.md test vector (see peers.md §3.3).
const SPEC_TYPE = "http://example.com/HelloWorld";
const SPEC_SIG = "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==";
const SPEC_X = 46950820868899156662930047687818585632848591499744589407958293238635476079160n;
const SPEC_Y = 5640078356564379163099075877009565129882514886557779369047442380624545832820n;

function b64url32(n: bigint): string {
  return Buffer.from(n.toString(16).padStart(64, "0"), "hex").toString("base64url");
}

describe("pae", () => {
  test("matches the DSSE spec vector byte for byte", () => {
    expect(text(pae(SPEC_TYPE, bytes("hello world")))).toBe(
      "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
    );
  });

  test("empty type and body", () => {
    expect(text(pae("", new Uint8Array()))).toBe("DSSEv1 0  0 ");
  });

  test("lengths count UTF-8 bytes, not characters", () => {
    expect(text(pae("tÿpe", bytes("é")))).toBe("DSSEv1 5 tÿpe 2 é");
  });

  test("binary bodies are copied verbatim", () => {
    const out = pae("t", new Uint8Array([0, 255, 10]));
    expect([...out.slice(-3)]).toEqual([0, 255, 10]);
    expect(out.length).toBe("DSSEv1 1 t 3 ".length + 3);
  });

  test("the spec's ECDSA signature verifies over our PAE (bare envelope, P1363 encoding)", async () => {
    const key = createPublicKey({
      key: { kty: "EC", crv: "P-256", x: b64url32(SPEC_X), y: b64url32(SPEC_Y) },
      format: "jwk",
    });
    const envelope = {
      payload: Buffer.from("hello world").toString("base64"),
      payloadType: SPEC_TYPE,
      signatures: [{ keyid: "66301bbf", sig: SPEC_SIG }],
    };
    const ok = verifyEnvelope(envelope, [key]);
    expect(text(ok.payload)).toBe("hello world");
    expect(ok.payloadType).toBe(SPEC_TYPE);
    const tampered = { ...envelope, payloadType: "http://example.com/HelloWorlD" };
    await expectCode(() => verifyEnvelope(tampered, [key]), "VERIFY_FAILED");
  });
});
