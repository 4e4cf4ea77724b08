import type { KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Config } from "../config.ts";
import { CairnError } from "../errors.ts";
import { encryptPrivateKey } from "../signing/cosign-format.ts";
import { loadPrivateKey, loadPublicKey, resolvePassword, type KeyDeps, type PasswordPrompt } from "../signing/key-refs.ts";
import { generateKeyPair, keyId, publicKeyPem, type KeyKind } from "../signing/keys.ts";
import { ttyPrompt } from "../signing/prompt.ts";
import { writeFileAtomic } from "./atomic-file.ts";

function keyDeps(config: Config, prompt: PasswordPrompt): KeyDeps {
  return {
    readFile: async (path) => new Uint8Array(await readFile(resolve(config.cwd, path))),
    env: config.env,
    getPassword: () => resolvePassword(config.env, prompt),
  };
}

export function signingKey(config: Config, ref: string, prompt: PasswordPrompt = ttyPrompt()): Promise<KeyObject> {
  return loadPrivateKey(ref, keyDeps(config, prompt));
}

export function verificationKeys(config: Config, refs: string[]): Promise<KeyObject[]> {
  return Promise.all(refs.map((r) => loadPublicKey(r, keyDeps(config, ttyPrompt()))));
}

export interface GeneratedKeys {
  privateKeyPath: string;
  publicKeyPath: string;
  kind: KeyKind;
  keyId: string;
}

/** `keys generate`: a cosign-format encrypted private key (mode 0600) and its PEM public key; never overwrites. */
export async function generateKeys(config: Config, kind: KeyKind, prefix: string, prompt: PasswordPrompt = ttyPrompt()): Promise<GeneratedKeys> {
  const privateKeyPath = resolve(config.cwd, `${prefix}.key`);
  const publicKeyPath = resolve(config.cwd, `${prefix}.pub`);
  for (const p of [privateKeyPath, publicKeyPath]) {
    if (existsSync(p)) throw new CairnError("USAGE", `${p} already exists`, { hint: "remove it or choose another --output-prefix" });
  }
  const password = await resolvePassword(config.env, prompt, "generate");
  const pair = generateKeyPair(kind);
  const pem = await encryptPrivateKey(pair.privateKey, password);
  writeFileAtomic(privateKeyPath, pem, 0o600);
  writeFileAtomic(publicKeyPath, publicKeyPem(pair.publicKey), 0o644);
  return { privateKeyPath, publicKeyPath, kind, keyId: keyId(pair.publicKey) };
}
