// External CI issuers (GitHub Actions, GitLab CI, …) whose identity tokens the CA accepts, registered by the admin
// with their JWKS. Kept in <home>/oidc/issuers.json, `{ version: 1, issuers: [...] }`, written atomically. The JWKS is
// stored inside the file: cairn never fetches an issuer's keys, so rotating them is another `remove` + `add`.
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CairnError } from "../errors.ts";
import { writeFileAtomic } from "../services/atomic-file.ts";
import { checkName } from "../services/control/orgs.ts";
import { checkJwks, type Jwks } from "./jwks.ts";
import { oidcDir } from "./signing-key.ts";

export interface ExternalIssuer {
  /** Exactly as tokens carry it in `iss` (compared byte for byte, so a trailing slash matters). */
  issuer: string;
  /** The `aud` its tokens must carry (Fulcio's client-id; `sigstore` by convention). */
  audience: string;
  /** The organization whose audit trail records what its identities do; absent: the instance admin's. */
  org?: string;
  jwks: Jwks;
  /** The file the JWKS was read from, as an absolute path (informational). */
  jwksFile: string;
  addedAt: string;
}

export interface AddIssuerInput {
  issuer: string;
  jwksFile: string;
  audience: string;
  org?: string;
}

interface IssuersFile {
  version: 1;
  issuers: ExternalIssuer[];
}

const MAX_JWKS_BYTES = 1 << 20;
export const issuersPath = (home: string): string => join(oidcDir(home), "issuers.json");

/** `cairn ca oidc add`: checks the URL, audience, org and the JWKS file, then records the issuer. */
export async function addExternalIssuer(home: string, cwd: string, input: AddIssuerInput, now: Date): Promise<ExternalIssuer> {
  const issuer = checkIssuerUrl(input.issuer);
  const audience = input.audience;
  if (typeof audience !== "string" || audience.trim() === "" || audience !== audience.trim()) {
    throw new CairnError("USAGE", `--audience ${JSON.stringify(audience)} is not valid`, { hint: "pass the aud the issuer's tokens carry for this CA, e.g. --audience sigstore" });
  }
  const org = input.org === undefined ? undefined : checkName(input.org, "--org");
  const jwksFile = resolve(cwd, input.jwksFile);
  const jwks = await checkJwks(readJson(jwksFile, input.jwksFile), input.jwksFile);
  const file = readIssuersFile(home);
  if (file.issuers.some((r) => r.issuer === issuer)) {
    throw new CairnError("ALREADY_EXISTS", `OIDC issuer ${issuer} is already registered`, {
      hint: `to replace its keys or audience, run \`cairn ca oidc remove --issuer ${issuer}\` first`,
    });
  }
  const entry: ExternalIssuer = { issuer, audience, ...(org !== undefined && { org }), jwks, jwksFile, addedAt: now.toISOString() };
  writeIssuersFile(home, { version: 1, issuers: [...file.issuers, entry].sort((a, b) => a.issuer.localeCompare(b.issuer)) });
  return entry;
}

export function listExternalIssuers(home: string): ExternalIssuer[] {
  return readIssuersFile(home).issuers;
}

export function removeExternalIssuer(home: string, issuer: string): ExternalIssuer {
  const file = readIssuersFile(home);
  const found = file.issuers.find((r) => r.issuer === issuer);
  if (!found) {
    const near = file.issuers.find((r) => r.issuer.replace(/\/+$/, "") === issuer.replace(/\/+$/, ""));
    throw new CairnError("NOT_FOUND", `OIDC issuer ${issuer} is not registered`, {
      hint: near ? `did you mean ${near.issuer}? issuers are compared byte for byte, trailing slash included` : "list them with `cairn ca oidc list`",
    });
  }
  writeIssuersFile(home, { version: 1, issuers: file.issuers.filter((r) => r !== found) });
  return found;
}

/** An https URL without query, fragment or credentials; kept exactly as given (OIDC compares `iss` byte for byte). */
export function checkIssuerUrl(issuer: string): string {
  const bad = (why: string) =>
    new CairnError("USAGE", `--issuer ${JSON.stringify(issuer)} ${why}`, { hint: "pass the issuer exactly as its tokens' iss claim spells it, e.g. --issuer https://token.actions.githubusercontent.com" });
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw bad("is not a URL");
  }
  if (url.protocol !== "https:") throw bad("is not an https URL");
  if (url.username || url.password) throw bad("must not contain credentials");
  if (url.search || url.hash || issuer.includes("?") || issuer.includes("#")) throw bad("must not have a query or fragment");
  if (/\s/.test(issuer)) throw bad("contains whitespace");
  return issuer;
}

function readJson(path: string, what: string): unknown {
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_JWKS_BYTES) throw new CairnError("TOO_LARGE", `${what} is larger than ${MAX_JWKS_BYTES} bytes`, { hint: "pass the issuer's JWKS document" });
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof CairnError) throw e;
    throw new CairnError("NOT_FOUND", `${what} does not exist or cannot be read`, { hint: "save the issuer's JWKS (its jwks_uri document) to a file and pass it with --jwks" });
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new CairnError("USAGE", `${what} is not valid JSON`, { hint: "pass the issuer's JWKS document: {\"keys\":[…]}" });
  }
}

function readIssuersFile(home: string): IssuersFile {
  const path = issuersPath(home);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, issuers: [] };
    throw new CairnError("IO", `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const damaged = (why: string) =>
    new CairnError("STORE_INVALID", `${path} is damaged: ${why}`, { hint: `restore it from a backup, or delete it and register the issuers again with \`cairn ca oidc add\`` });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw damaged("it is not valid JSON");
  }
  const f = json as Partial<IssuersFile> | null;
  if (typeof f !== "object" || f === null || typeof f.version !== "number") throw damaged("it has no version");
  if (f.version !== 1) {
    throw new CairnError("STORE_INVALID", `${path} has version ${f.version}, written by a newer cairn`, { hint: "upgrade cairn to use this home" });
  }
  if (!Array.isArray(f.issuers)) throw damaged("it has no issuers array");
  for (const [i, r] of f.issuers.entries()) {
    const ok = typeof r === "object" && r !== null && typeof r.issuer === "string" && typeof r.audience === "string" && Array.isArray(r.jwks?.keys);
    if (!ok) throw damaged(`issuer entry ${i} lacks issuer, audience or jwks.keys`);
  }
  return { version: 1, issuers: f.issuers };
}

function writeIssuersFile(home: string, file: IssuersFile): void {
  writeFileAtomic(issuersPath(home), `${JSON.stringify(file, null, 2)}\n`, 0o644);
}

/** What `ca oidc list` shows of a registration: the JWKS summarized as its key ids (kid, else kty/alg). */
export interface IssuerView {
  issuer: string;
  audience: string;
  org: string | null;
  keys: string[];
  jwksFile: string;
  addedAt: string;
}

export function issuerView(r: ExternalIssuer): IssuerView {
  return {
    issuer: r.issuer,
    audience: r.audience,
    org: r.org ?? null,
    keys: r.jwks.keys.map((k) => k.kid ?? `(${[k.kty, k.alg ?? k.crv].filter(Boolean).join(" ")}, no kid)`),
    jwksFile: r.jwksFile,
    addedAt: r.addedAt,
  };
}
