// External CI issuers (GitHub Actions, GitLab CI, …) whose identity tokens the CA accepts, registered by the admin
// with their JWKS: what a registration is and what `cairn ca oidc add` checks. They are kept in the store
// (OidcIssuerRepo, services/oidc-issuers.ts); the JWKS is stored with the issuer: cairn never fetches an issuer's
// keys, so rotating them is another `remove` + `add`. Before, a home kept them in <home>/oidc/issuers.json,
// `{ version: 1, issuers: [...] }`, which is read here once, to be imported (services/oidc-issuers-import.ts).
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CairnError } from "../errors.ts";
import { checkName } from "../services/control/orgs.ts";
import { checkJwks, type Jwks } from "./jwks.ts";
import { oidcDir } from "./signing-key.ts";
import type { OidcIssuerRecord } from "../store/oidc-issuer-port.ts";

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
/** The legacy file of a home's issuers (before they moved into the store). */
export const issuersPath = (home: string): string => join(oidcDir(home), "issuers.json");

/** What `cairn ca oidc add` checks before recording an issuer: the URL, audience and org, and the JWKS file (read relative to `cwd`). */
export async function checkIssuerInput(cwd: string, input: AddIssuerInput): Promise<Omit<ExternalIssuer, "addedAt">> {
  const issuer = checkIssuerUrl(input.issuer);
  const audience = input.audience;
  if (typeof audience !== "string" || audience.trim() === "" || audience !== audience.trim()) {
    throw new CairnError("USAGE", `--audience ${JSON.stringify(audience)} is not valid`, { hint: "pass the aud the issuer's tokens carry for this CA, e.g. --audience sigstore" });
  }
  const org = input.org === undefined ? undefined : checkName(input.org, "--org");
  const jwksFile = resolve(cwd, input.jwksFile);
  const jwks = await checkJwks(readJson(jwksFile, input.jwksFile), input.jwksFile);
  return { issuer, audience, ...(org !== undefined && { org }), jwks, jwksFile };
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

/** The issuers of a home's legacy issuers.json (undefined when there is none), checked as before they moved into the store. */
export function readLegacyIssuersFile(path: string): ExternalIssuer[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
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
  return f.issuers;
}

/** A registration as the store keeps it (OidcIssuerRecord: the JWKS as JSON text, no org as null). */
export function issuerRecord(r: ExternalIssuer): OidcIssuerRecord {
  return { issuer: r.issuer, audience: r.audience, org: r.org ?? null, jwks: JSON.stringify(r.jwks), jwksFile: r.jwksFile, addedAt: r.addedAt };
}

/** A stored registration as the verifier uses it; STORE_INVALID when its JWKS is not a JWKS (edited outside cairn). */
export function fromIssuerRecord(r: OidcIssuerRecord): ExternalIssuer {
  const damaged = () =>
    new CairnError("STORE_INVALID", `the JWKS stored for OIDC issuer ${r.issuer} is damaged`, { hint: `register it again: \`cairn ca oidc remove --issuer ${r.issuer}\`, then \`cairn ca oidc add\`` });
  let jwks: unknown;
  try {
    jwks = JSON.parse(r.jwks);
  } catch {
    throw damaged();
  }
  if (typeof jwks !== "object" || jwks === null || !Array.isArray((jwks as Partial<Jwks>).keys)) throw damaged();
  return { issuer: r.issuer, audience: r.audience, ...(r.org !== null && { org: r.org }), jwks: jwks as Jwks, jwksFile: r.jwksFile, addedAt: r.addedAt };
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
