// Resolving key references (`path` or `env://VAR`) and the signing password. All I/O is injected
// (KeyDeps, PasswordPrompt) so this stays unit-testable; prompt.ts holds the real implementations.
import type { KeyObject } from "node:crypto";
import { CairnError, isCairnError } from "../errors.ts";
import { parsePrivateKeyPem, parsePublicKeyPem } from "./keys.ts";

/** Injected I/O for key loading. */
export interface KeyDeps {
  readFile(path: string): Promise<Uint8Array>;
  env: Record<string, string | undefined>;
  /** Called only when the key turns out to be encrypted. */
  getPassword(): Promise<string>;
}

/** Injected terminal access for resolvePassword. */
export interface PasswordPrompt {
  /** True when stdin is a TTY (a human can answer). */
  readonly interactive: boolean;
  /** Prints `message` and reads a line without echo. */
  ask(message: string): Promise<string>;
}

/** Env vars consulted for the key password, in order (cosign's name second, for muscle memory). */
export const PASSWORD_ENV_VARS = ["CAIRN_SIGNING_PASSWORD", "COSIGN_PASSWORD"] as const;

const ENV_PREFIX = "env://";

/** Loads a private key from a file path or `env://VAR` (the variable holds the PEM text). */
export async function loadPrivateKey(ref: string, deps: KeyDeps): Promise<KeyObject> {
  const text = await readRef(ref, deps);
  return parsePrivateKeyPem(text, ref, () => deps.getPassword());
}

/** Loads a PEM SPKI public key from a file path or `env://VAR`. */
export async function loadPublicKey(ref: string, deps: Pick<KeyDeps, "readFile" | "env">): Promise<KeyObject> {
  return parsePublicKeyPem(await readRef(ref, deps), ref);
}

/**
 * The password for an encrypted key: CAIRN_SIGNING_PASSWORD, then COSIGN_PASSWORD (set-but-empty
 * counts, as in cosign: it means "no password"), then a no-echo prompt if stdin is a TTY.
 * `purpose` only words the error: decrypting an existing key, or encrypting a new one (`keys generate`).
 */
export async function resolvePassword(
  env: Record<string, string | undefined>,
  prompt: PasswordPrompt,
  purpose: "decrypt" | "generate" = "decrypt",
): Promise<string> {
  for (const name of PASSWORD_ENV_VARS) {
    const value = env[name];
    if (value !== undefined) return value;
  }
  if (prompt.interactive) return prompt.ask(purpose === "generate" ? "Enter password for the new private key: " : "Enter password for private key: ");
  const vars = PASSWORD_ENV_VARS.join(" or ");
  if (purpose === "generate") {
    throw new CairnError("KEY_PASSWORD", `generating a key needs a password: ${vars} is not set and there is no TTY to prompt on`, {
      hint: `set ${vars} (an empty value means no password, as in cosign), or run on a terminal to be prompted`,
    });
  }
  throw new CairnError("KEY_PASSWORD", "the private key is encrypted and no password was provided", {
    hint: `set ${vars} (non-interactive runs cannot prompt)`,
  });
}

async function readRef(ref: string, deps: Pick<KeyDeps, "readFile" | "env">): Promise<string> {
  if (ref.startsWith(ENV_PREFIX)) {
    const name = ref.slice(ENV_PREFIX.length);
    const value = name === "" ? undefined : deps.env[name];
    if (value === undefined || value.trim() === "") {
      throw new CairnError("KEY_INVALID", `${ref}: environment variable ${name || "(empty name)"} is not set`, {
        hint: "env:// key references read the PEM text from the named variable",
      });
    }
    return value;
  }
  let bytes: Uint8Array;
  try {
    bytes = await deps.readFile(ref);
  } catch (e) {
    if (isCairnError(e)) throw e;
    const code = (e as { code?: unknown })?.code;
    if (code === "ENOENT") throw new CairnError("NOT_FOUND", `${ref}: key file not found`, { cause: e });
    throw new CairnError("KEY_INVALID", `${ref}: cannot read key file (${String(code ?? e)})`, { cause: e });
  }
  return new TextDecoder().decode(bytes);
}
