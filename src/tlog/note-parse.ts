/** Parsing C2SP signed notes: the text, the blank line, the signature lines. */
import { CairnError } from "../errors.ts";
import { decodeBase64Strict, textProblem } from "./encoding.ts";

export const SIG_PREFIX = "\u2014 ";
/** Signature lines read per note before giving up (C2SP asks for at least 16). */
export const MAX_NOTE_SIGNATURES = 100;

/** Why `name` cannot be a note key name, or undefined. */
export function nameProblem(name: string): string | undefined {
  if (typeof name !== "string" || name === "") return "is empty";
  if (/[\s+]/u.test(name)) return "contains a space or '+'";
  return textProblem(name);
}

export const verifyFailed = (why: string) => new CairnError("VERIFY_FAILED", `signed note: ${why}`);
const fail = verifyFailed;

export interface SigLine {
  name: string;
  keyId: Uint8Array;
  sig: Uint8Array;
}

/** Splits a note at its last blank line into the text and the parsed signature lines. */
export function parseNote(note: string | Uint8Array): { text: string; sigs: SigLine[] } {
  let s: string;
  if (typeof note === "string") s = note;
  else {
    try {
      s = new TextDecoder("utf-8", { fatal: true }).decode(note);
    } catch {
      throw fail("malformed: not valid UTF-8");
    }
  }
  const p = textProblem(s);
  if (p) throw fail(`malformed: ${p}`);
  const split = s.lastIndexOf("\n\n");
  if (split < 0) throw fail("malformed: no blank line between the text and the signatures");
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block === "" || !block.endsWith("\n")) throw fail("malformed: the signature lines must end with a newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES) throw fail(`malformed: more than ${MAX_NOTE_SIGNATURES} signatures`);
  const sigs = lines.map((line, i) => {
    const where = `signature line ${i + 1}`;
    if (!line.startsWith(SIG_PREFIX)) throw fail(`malformed: ${where} does not start with "— "`);
    const rest = line.slice(SIG_PREFIX.length);
    const sp = rest.indexOf(" ");
    const name = sp < 0 ? rest : rest.slice(0, sp);
    if (sp < 0 || nameProblem(name)) throw fail(`malformed: ${where} has no valid key name followed by a space`);
    const blob = decodeBase64Strict(rest.slice(sp + 1), false);
    if (!blob || blob.length < 5) throw fail(`malformed: ${where} is not base64 of a key ID and a signature`);
    return { name, keyId: blob.subarray(0, 4), sig: blob.subarray(4) };
  });
  return { text, sigs };
}

