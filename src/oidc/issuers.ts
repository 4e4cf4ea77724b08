// CI OIDC issuers an admin registers (`cairn ca oidc add`): issuer URL, the audience its tokens must carry, the
// organization whose audit trail records what they do, and their JWKS — copied in, never fetched, so verification
// stays offline. Kept in <home>/oidc/issuers.json.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { importJWK, type JWK } from "jose";
import { CairnError } from "../errors.ts";
import { writeFileAtomic } from "../services/atomic-file.ts";

export interface ExternalIssuer {
  issuer: string;
  audience: string;
  /** Organization name; refusals and issuances are audited there (else in the instance admin's). */
  org?: string;
  jwks: { keys: JWK[] };
  addedAt: string;
}

interface IssuersFile {
  version: 1;
  issuers: ExternalIssuer[];
}

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];
export const issuersPath = (home: string) => join(home, "oidc", "issuers.json");

export interface AddIssuer {
  issuer: string;
  jwksFile: string;
  audience: string;
  org?: string;
}

export async function addExternalIssuer(home: string, cwd: string, a: AddIssuer, now: Date): Promise<ExternalIssuer> {
  const issuer = checkIssuer(a.issuer);
  if (!/^[\x21-\x7e]{1,200}$/.test(a.audience)) throw new CairnError("USAGE", "--audience must be 1-200 printable characters", { hint: "Sigstore's convention is `sigstore`" });
  const file = readIssuers(home);
  if (file.issuers.some((i) => i.issuer === issuer)) {
    throw new CairnError("ALREADY_EXISTS", `OIDC issuer ${issuer} is already registered`, { hint: `to replace its JWKS: \`cairn ca oidc remove --issuer ${issuer}\`, then add it again` });
  }
  const jwks = await readJwks(resolve(cwd, a.jwksFile), a.jwksFile);
  const entry: ExternalIssuer = { issuer, audience: a.audience, ...(a.org && { org: a.org }), jwks, addedAt: now.toISOString() };
  write(home, { version: 1, issuers: [...file.issuers, entry] });
  return entry;
}

export function listExternalIssuers(home: string): ExternalIssuer[] {
  return readIssuers(home).issuers;
}

export function removeExternalIssuer(home: string, issuer: string): void {
  const file = readIssuers(home);
  const kept = file.issuers.filter((i) => i.issuer !== issuer);
  if (kept.length === file.issuers.length) throw new CairnError("NOT_FOUND", `OIDC issuer ${issuer} is not registered`, { hint: "list them with `cairn ca oidc list`" });
  write(home, { version: 1, issuers: kept });
}

function checkIssuer(text: string): string {
  let u: URL | undefined;
  try {
    u = new URL(text);
  } catch {
    u = undefined;
  }
  const loopback = u && u.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname);
  if (!u || (u.protocol !== "https:" && !loopback) || u.search || u.hash) {
    throw new CairnError("USAGE", `--issuer ${JSON.stringify(text)} is not an https URL`, { hint: "give the `iss` of the CI's tokens exactly, e.g. https://token.actions.githubusercontent.com" });
  }
  return text;
}

async function readJwks(path: string, shown: string): Promise<{ keys: JWK[] }> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "is not JSON";
    throw new CairnError("USAGE", `--jwks ${shown} ${why}`, { hint: "save the issuer's JWKS document (its jwks_uri, e.g. https://token.actions.githubusercontent.com/.well-known/jwks) to a file" });
  }
  const keys = (doc as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new CairnError("USAGE", `--jwks ${shown} has no "keys" array`, { hint: "a JWKS document is {\"keys\": [ {...}, ... ]}" });
  for (const [i, k] of keys.entries()) {
    if (typeof k !== "object" || k === null) throw new CairnError("USAGE", `--jwks ${shown}: keys[${i}] is not an object`);
    const priv = PRIVATE_MEMBERS.find((m) => m in k);
    if (priv) throw new CairnError("USAGE", `--jwks ${shown}: keys[${i}] holds private key material ("${priv}")`, { hint: "register the issuer's public JWKS only" });
    try {
      await importJWK(k as JWK, (k as JWK).alg ?? algFor(k as JWK));
    } catch (e) {
      throw new CairnError("USAGE", `--jwks ${shown}: keys[${i}] is not a usable public key (${(e as Error).message})`);
    }
  }
  return { keys: keys as JWK[] };
}

/** An algorithm to import a JWK that names none: the usual one for its key type. */
export function algFor(k: JWK): string {
  if (k.kty === "RSA") return "RS256";
  if (k.kty === "OKP") return "EdDSA";
  return k.crv === "P-384" ? "ES384" : k.crv === "P-521" ? "ES512" : "ES256";
}

function readIssuers(home: string): IssuersFile {
  const path = issuersPath(home);
  if (!existsSync(path)) return { version: 1, issuers: [] };
  try {
    const f = JSON.parse(readFileSync(path, "utf8")) as IssuersFile;
    if (f.version === 1 && Array.isArray(f.issuers)) return f;
  } catch {
    // reported below
  }
  throw new CairnError("STORE_INVALID", `${path} is damaged`, { hint: `restore it from a backup, or delete it and register the issuers again with \`cairn ca oidc add\`` });
}

function write(home: string, f: IssuersFile): void {
  writeFileAtomic(issuersPath(home), `${JSON.stringify(f, null, 2)}\n`, 0o644);
}
