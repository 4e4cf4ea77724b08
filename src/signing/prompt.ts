// Real I/O for key loading: a no-echo TTY password prompt and the process-backed KeyDeps.
// Kept apart so keys.ts / key-refs.ts stay pure and unit-testable.
import { readFile } from "node:fs/promises";
import { isatty } from "node:tty";
import { CairnError } from "../errors.ts";
import { resolvePassword, type KeyDeps, type PasswordPrompt } from "./key-refs.ts";

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const BACKSPACE = ["\u007f", "\b"];

/** A PasswordPrompt on the process's stdin (interactive only when it is a TTY) and stderr. */
export function ttyPrompt(): PasswordPrompt {
  return {
    // isatty(0), not process.stdin.isTTY: a push with an unencrypted key need not set up a stdin stream (~2 ms).
    interactive: isatty(0),
    ask: (message) => readHidden(message),
  };
}

/** KeyDeps backed by the filesystem and process.env; prompts (once) only if a key is encrypted. */
export function systemKeyDeps(prompt: PasswordPrompt = ttyPrompt()): KeyDeps {
  return {
    readFile: async (path) => new Uint8Array(await readFile(path)),
    env: process.env,
    getPassword: () => resolvePassword(process.env, prompt),
  };
}

function readHidden(message: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(message);
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (err?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    // Raw mode delivers keystrokes unechoed; we interpret the few control keys ourselves.
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === "string" ? chunk : chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === CTRL_D) return finish();
        if (ch === CTRL_C) {
          return finish(new CairnError("KEY_PASSWORD", "password prompt cancelled"));
        }
        if (BACKSPACE.includes(ch)) value = [...value].slice(0, -1).join("");
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}
