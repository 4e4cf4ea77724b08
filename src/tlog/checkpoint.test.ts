import { describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { formatCheckpoint, parseCheckpoint } from "./checkpoint.ts";
import { EMPTY_ROOT } from "./hash.ts";
import { noteSigner, noteVerifier } from "./note.ts";

const root = new Uint8Array(32).map((_, i) => i);
const b64 = Buffer.from(root).toString("base64");
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// 32 bytes end in one "=": the last digit carries 2 padding bits; set the lowest one
const padBitsSet = (s: string) => s.slice(0, -2) + ALPHABET[ALPHABET.indexOf(s.at(-2)!) | 1] + "=";

describe("checkpoints", () => {
  test("format and parse round trip", () => {
    const text = formatCheckpoint({ origin: "cairn.example.com", size: 70000, root });
    expect(text).toBe(`cairn.example.com\n70000\n${b64}\n`);
    const c = parseCheckpoint(text);
    expect(c.origin).toBe("cairn.example.com");
    expect(c.size).toBe(70000);
    expect(Buffer.from(c.root).equals(Buffer.from(root))).toBe(true);
    expect(c.extensions).toEqual([]);
    const withExt = formatCheckpoint({ origin: "o", size: 0, root: EMPTY_ROOT, extensions: ["ext one", "two"] });
    expect(parseCheckpoint(withExt).extensions).toEqual(["ext one", "two"]);
    expect(parseCheckpoint(withExt).size).toBe(0);
  });

  test("a signed checkpoint verifies and parses", () => {
    const k = generateKeyPairSync("ed25519");
    const note = noteSigner("cairn.example.com", k.privateKey).sign(formatCheckpoint({ origin: "cairn.example.com", size: 3, root }));
    const c = parseCheckpoint(noteVerifier("cairn.example.com", k.publicKey).verify(note));
    expect(c.size).toBe(3);
    expect(() => parseCheckpoint(note)).toThrow("not the signed note");
  });

  test("refuses malformed checkpoints saying why", () => {
    const cases: [string, string][] = [
      ["o\n1\n" + b64, "end with a newline"],
      ["o\n1\n", "missing lines"],
      ["\n1\n" + b64 + "\n", "origin is empty"],
      ["o\n01\n" + b64 + "\n", "leading zeros"],
      ["o\n-1\n" + b64 + "\n", "not a decimal"],
      ["o\n1e3\n" + b64 + "\n", "not a decimal"],
      ["o\n \n" + b64 + "\n", "not a decimal"],
      ["o\n9007199254740992\n" + b64 + "\n", "larger than 2^53"],
      ["o\n1\n" + b64.slice(0, -1) + "\n", "not standard padded base64"],
      ["o\n1\n" + Buffer.from(root).toString("base64url") + "\n", "not standard padded base64"],
      ["o\n1\n" + padBitsSet(b64) + "\n", "not standard padded base64"], // same bytes, non-zero pad bits
      ["o\n1\n" + Buffer.alloc(31).toString("base64") + "\n", "31 bytes"],
      ["o\n1\n" + b64 + "\n\next\n", "extension line 1 is empty"],
      ["o\t\n1\n" + b64 + "\n", "U+0009"],
    ];
    for (const [t, why] of cases) expect(() => parseCheckpoint(t)).toThrow(why);
  });

  test("refuses values it cannot write", () => {
    expect(() => formatCheckpoint({ origin: "", size: 1, root })).toThrow("origin is empty");
    expect(() => formatCheckpoint({ origin: "a\nb", size: 1, root })).toThrow("newline");
    expect(() => formatCheckpoint({ origin: "o", size: -1, root })).toThrow("size");
    expect(() => formatCheckpoint({ origin: "o", size: 1, root: root.subarray(1) })).toThrow("32 bytes");
    expect(() => formatCheckpoint({ origin: "o", size: 1, root, extensions: [""] })).toThrow("extension 0 is empty");
  });
});
