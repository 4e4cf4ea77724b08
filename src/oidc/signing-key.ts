// The key cairn's own OIDC issuer signs identity tokens with: one ES256 (P-256) key per home, kept as PKCS#8 PEM in
// <home>/oidc/signing.key (0600) and created on first use. Its public half is the issuer's JWKS.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, type JWK } from "jose";
import { CairnError } from "../errors.ts";
import { writeFileAtomic } from "../services/atomic-file.ts";

export interface OidcKey {
  /** RFC 7638 SHA-256 thumbprint of the public key (base64url): the JWS `kid` and the JWKS entry's `kid`. */
  kid: string;
  privateKey: CryptoKey | KeyObject;
  /** The public key as published in the JWKS: kty/crv/x/y plus kid, alg ES256, use sig. */
  publicJwk: JWK;
}

export const oidcDir = (home: string): string => join(home, "oidc");
export const signingKeyPath = (home: string): string => join(oidcDir(home), "signing.key");

/** The home's OIDC signing key; created (atomically, exclusively: concurrent first uses agree on one key) if absent. */
export async function loadOrCreateOidcKey(home: string): Promise<OidcKey> {
  const path = signingKeyPath(home);
  const existing = readIfPresent(path);
  if (existing !== undefined) return fromPem(existing, path);
  mkdirSync(oidcDir(home), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  // Written completely under a temporary name, then published with link(2), which fails if another process got there first.
  const staged = `${path}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.new`;
  writeFileAtomic(staged, pem, 0o600);
  try {
    linkSync(staged, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new CairnError("IO", `cannot create ${path}: ${(e as Error).message}`, { cause: e });
    return fromPem(readFileSync(path, "utf8"), path);
  } finally {
    rmSync(staged, { force: true });
  }
  return fromPem(pem, path);
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CairnError("IO", `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

async function fromPem(pem: string, path: string): Promise<OidcKey> {
  const damaged = (why: string) =>
    new CairnError("STORE_INVALID", `${path} is damaged: ${why}`, {
      hint: `restore it from a backup, or delete ${path} so that cairn creates a new signing key (tokens signed with the old key then stop verifying)`,
    });
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw damaged("it is not a PKCS#8 PEM private key");
  }
  if (!pem.includes("-----BEGIN PRIVATE KEY-----")) throw damaged("it is not a PKCS#8 PEM private key");
  if (privateKey.asymmetricKeyType !== "ec" || privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw damaged(`it holds a ${privateKey.asymmetricKeyType ?? "unknown"} key, not an EC P-256 (ES256) key`);
  }
  const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: "jwk" }) as JWK;
  const base: JWK = { kty, crv, x, y };
  const kid = await calculateJwkThumbprint(base, "sha256");
  return { kid, privateKey, publicJwk: { ...base, kid, alg: "ES256", use: "sig" } };
}
