import { describe, expect, test } from "bun:test";
import { generateKeyPairSync, createHash } from "node:crypto";
import { verifyCheckpoint } from "@sigstore/verify/dist/tlog/checkpoint.js";
import type { TLogEntryWithInclusionProof } from "@sigstore/bundle";
import { expectCode } from "../test-helpers.ts";
import { noteSigner, noteVerifier, parseVkey, vkey } from "./note.ts";

const key = () => generateKeyPairSync("ed25519");
const NAME = "cairn.example.com";
const TEXT = "cairn.example.com\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

describe("signed notes (Ed25519)", () => {
  const k = key();
  const signer = noteSigner(NAME, k.privateKey);
  const verifier = noteVerifier(NAME, k.publicKey);

  test("key ID and log ID are SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw key)", () => {
    const raw = k.publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const h = createHash("sha256").update(NAME).update(Buffer.from([0x0a, 0x01])).update(raw).digest();
    expect(Buffer.from(signer.logId).equals(h)).toBe(true);
    expect(Buffer.from(signer.keyId).equals(h.subarray(0, 4))).toBe(true);
    expect(Buffer.from(signer.publicKeyRaw).equals(raw)).toBe(true);
    expect(Buffer.from(verifier.logId).equals(h)).toBe(true);
    expect(Buffer.from(verifier.keyId).equals(h.subarray(0, 4))).toBe(true);
  });

  test("sign → verify returns the text; the signature line has the C2SP shape", () => {
    const note = signer.sign(TEXT);
    expect(note.startsWith(`${TEXT}\n\u2014 ${NAME} `)).toBe(true);
    expect(note.endsWith("\n")).toBe(true);
    const blob = Buffer.from(note.slice(TEXT.length + 1).split(" ")[2]!.trim(), "base64");
    expect(blob.length).toBe(4 + 64);
    expect(blob.subarray(0, 4).equals(Buffer.from(signer.keyId))).toBe(true);
    expect(verifier.verify(note)).toBe(TEXT);
    expect(verifier.verify(new TextEncoder().encode(note))).toBe(TEXT);
    // text with empty lines: split at the last blank line
    const odd = "a\n\nb\n\n";
    expect(verifier.verify(signer.sign(odd))).toBe(odd);
  });

  test("any flipped byte in the text or signature fails", async () => {
    const note = signer.sign(TEXT);
    const sigStart = note.lastIndexOf(" ") + 1;
    for (const i of [0, 18, TEXT.length - 2, sigStart + 6, note.length - 4]) {
      const c = note[i] === "A" ? "B" : "A";
      const bad = note.slice(0, i) + c + note.slice(i + 1);
      const e = await expectCode(() => verifier.verify(bad), "VERIFY_FAILED");
      expect(e.message).toMatch(/bad signature|no signature|malformed/);
    }
    expect((await expectCode(() => verifier.verify(TEXT.replace("5", "6") + note.slice(TEXT.length)), "VERIFY_FAILED")).message).toContain("bad signature");
  });

  test("other keys' lines are ignored; a note without this key's signature is refused", async () => {
    const witnessKey = key();
    const witness = noteSigner("witness.example/w1", witnessKey.privateKey);
    const sameName = noteSigner(NAME, key().privateKey); // same name, another key ID
    const sigLine = (s: typeof signer) => s.sign(TEXT).slice(TEXT.length + 1);
    const cosigned = `${TEXT}\n${sigLine(sameName)}${sigLine(witness)}${sigLine(signer)}`;
    expect(verifier.verify(cosigned)).toBe(TEXT);
    expect(noteVerifier("witness.example/w1", witnessKey.publicKey).verify(cosigned)).toBe(TEXT);
    const e = await expectCode(() => verifier.verify(witness.sign(TEXT)), "VERIFY_FAILED");
    expect(e.message).toContain(`no signature by ${NAME}`);
    // this key under another name is another key (the name is in the key ID)
    await expectCode(() => noteVerifier("other.example", k.publicKey).verify(signer.sign(TEXT)), "VERIFY_FAILED");
  });

  test("malformed notes are refused saying why", async () => {
    const note = signer.sign(TEXT);
    const cases: [string, string][] = [
      [TEXT, "no blank line"],
      [note.slice(0, -1), "must end with a newline"],
      [`${note}\u2014 x\n`, "no valid key name"],
      [`${note}- x AAAA\n`, 'does not start with "— "'],
      [`${note}\u2014 x AAAA\n`, "not base64 of a key ID and a signature"],
      [`${note}\u2014 x !!!!!!!!\n`, "not base64"],
      [`${note}\u2014 a+b AAAAAAAA\n`, "no valid key name"],
      [note.replace("\n5\n", "\n5\t\n"), "U+0009"],
      [note + `\u2014 x AAAAAAAA\n`.repeat(100), "more than 100 signatures"],
    ];
    for (const [bad, why] of cases) expect((await expectCode(() => verifier.verify(bad), "VERIFY_FAILED")).message).toContain(why);
    expect((await expectCode(() => verifier.verify(new Uint8Array([0xff, 0x0a, 0x0a])), "VERIFY_FAILED")).message).toContain("UTF-8");
  });

  test("names, texts and keys are validated", async () => {
    for (const n of ["", "a b", "a+b", "a\tb", "a\u00a0b"]) await expectCode(() => noteSigner(n, k.privateKey), "USAGE");
    await expectCode(() => noteSigner(NAME, k.publicKey), "KEY_INVALID");
    await expectCode(() => noteSigner(NAME, generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey), "KEY_INVALID");
    expect(() => signer.sign("no newline")).toThrow("end with a newline");
    expect(() => signer.sign("a\rb\n")).toThrow("U+000d");
    expect(() => signer.sign("a\ud800b\n")).toThrow("U+d800");
  });

  test("vkey text form round trips", async () => {
    const v = vkey(NAME, k.publicKey);
    expect(v).toBe(`${NAME}+${Buffer.from(signer.keyId).toString("hex")}+${Buffer.concat([Buffer.from([1]), Buffer.from(signer.publicKeyRaw)]).toString("base64")}`);
    expect(vkey(NAME, k.privateKey)).toBe(v);
    const back = parseVkey(v);
    expect(back.name).toBe(NAME);
    expect(noteVerifier(back.name, back.publicKey).verify(signer.sign(TEXT))).toBe(TEXT);
    const n = NAME;
    const id = v.slice(n.length + 1, n.length + 9);
    const b = v.slice(n.length + 10);
    expect(parseVkey(`${n}+${id}+${b}`).name).toBe(NAME);
    await expectCode(() => parseVkey(`${n}+00000000+${b}`), "KEY_INVALID");
    await expectCode(() => parseVkey(`${n}+${id}`), "KEY_INVALID");
    await expectCode(() => parseVkey(`${n}+${id}+${b.slice(4)}`), "KEY_INVALID");
    await expectCode(() => parseVkey(`other+${id}+${b}`), "KEY_INVALID");
    await expectCode(() => parseVkey(`${n}+${id}+${Buffer.from([2, ...signer.publicKeyRaw]).toString("base64")}`), "KEY_INVALID");
  });

  test("@sigstore/verify accepts the note: key hint = logId[:4] = keyId, name within the baseUrl", () => {
    const note = signer.sign(TEXT);
    const hint = Buffer.from(note.trimEnd().split(" ").pop()!, "base64").subarray(0, 4);
    expect(hint.equals(Buffer.from(signer.logId.subarray(0, 4)))).toBe(true);
    expect(hint.equals(Buffer.from(signer.keyId))).toBe(true);
    const tlog = {
      logID: Buffer.from(signer.logId),
      baseURL: `https://${NAME}:8443/rekor`,
      publicKey: k.publicKey,
      validFor: { start: new Date(0), end: new Date(8.64e15) },
    };
    const entry = { inclusionProof: { checkpoint: { envelope: note } } } as unknown as TLogEntryWithInclusionProof;
    const cp = verifyCheckpoint(entry, [tlog]);
    expect(cp.origin).toBe(NAME);
    expect(cp.logSize).toBe(5n);
    const forged = note.replace("\n5\n", "\n6\n");
    expect(() => verifyCheckpoint({ inclusionProof: { checkpoint: { envelope: forged } } } as unknown as TLogEntryWithInclusionProof, [tlog])).toThrow(
      "invalid checkpoint signature",
    );
  });
});
