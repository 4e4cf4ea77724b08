// The trusted roots of a home: the Sigstore public-good root shipped in the binary, the home's own CA
// (`<home>/ca/trusted_root.json`, written by `cairn ca init|import`), and those added with `cairn trust-root add`
// (`<home>/trust-roots/<NAME>.json`). Also --trusted-root files, and `trust-root export`.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { CairnError } from "../errors.ts";
import { publicGoodRoot, PUBLIC_GOOD_NAME } from "../trust/public-good.ts";
import { parseTrustedRoot, summarizeRoot, type NamedRoot, type RootSummary } from "../trust/trusted-root.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import { fileStamp } from "./file-stamp.ts";
import { servedLogRootEntry } from "./tlog/identity.ts";

/** The name under which the home's own CA is trusted. */
export const HOME_CA_NAME = "home-ca";
const RESERVED = [PUBLIC_GOOD_NAME, HOME_CA_NAME, "home-log"];
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface RootListing extends RootSummary {
  name: string;
  /** "embedded", or the file it is read from. */
  source: string;
}

const rootsDir = (home: string) => join(home, "trust-roots");
const homeCaPath = (home: string) => join(home, "ca", "trusted_root.json");

export interface HomeRootOptions {
  /** Include the embedded Sigstore public-good root (clients: yes; a server's trust decisions: no). */
  publicGood: boolean;
}

/** The home's trusted roots, in the order they are tried: public good, home CA, then added roots by name. */
export function homeRoots(home: string, opts: HomeRootOptions): NamedRoot[] {
  const roots: NamedRoot[] = opts.publicGood ? [publicGoodRoot()] : [];
  if (existsSync(homeCaPath(home))) roots.push(homeCaRoot(home));
  else if (servedLogRootEntry(home)) roots.push(homeLogRoot(home));
  for (const name of addedNames(home)) roots.push(readRoot(join(rootsDir(home), `${name}.json`), name));
  return roots;
}

/** The name under which the home's transparency log is trusted when the home has no CA (`cairn log init` alone). */
export const HOME_LOG_NAME = "home-log";
let logOnly: { stamp: string; root: NamedRoot } | undefined;

function homeLogRoot(home: string): NamedRoot {
  const entry = servedLogRootEntry(home)!;
  const stamp = `${home}:${JSON.stringify(entry)}`;
  if (logOnly?.stamp !== stamp) {
    const json = { mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [entry], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
    logOnly = { stamp, root: { name: HOME_LOG_NAME, json } };
  }
  return logOnly.root;
}

const withLog = new WeakMap<NamedRoot, { stamp: string; root: NamedRoot }>();

/**
 * The home CA's root, with the home's transparency log under `tlogs` once it has been served (its origin and baseUrl
 * are then fixed in <home>/log/log.json): a certificate-signed bundle then needs an entry in that log to verify.
 */
function homeCaRoot(home: string): NamedRoot {
  const ca = readRoot(homeCaPath(home), HOME_CA_NAME);
  const entry = servedLogRootEntry(home);
  if (!entry) return ca;
  const stamp = JSON.stringify(entry);
  const hit = withLog.get(ca);
  if (hit && hit.stamp === stamp) return hit.root;
  const root = { name: ca.name, json: { ...(ca.json as Record<string, unknown>), tlogs: [entry] } };
  withLog.set(ca, { stamp, root });
  return root;
}

/** --trusted-root files, each named by the path as given. */
export function rootFiles(cwd: string, files: string[]): NamedRoot[] {
  return files.map((f) => readRoot(resolve(cwd, f), f, `--trusted-root ${f}`));
}

/** `trust-root add NAME FILE`: validated as a trusted_root.json, then kept byte for byte. */
export function addTrustRoot(home: string, cwd: string, name: string, file: string): RootListing {
  checkName(name);
  const dest = join(rootsDir(home), `${name}.json`);
  if (existsSync(dest)) throw new CairnError("ALREADY_EXISTS", `trust root ${name} already exists`, { hint: `remove it first with \`cairn trust-root remove ${name}\`` });
  const bytes = readBytes(resolve(cwd, file), file);
  const parsed = parseTrustedRoot(parseJson(bytes, file), name, file);
  writeFileAtomic(dest, bytes, 0o644);
  return { name, source: dest, ...summarizeRoot(parsed.root) };
}

export function listTrustRoots(home: string): RootListing[] {
  const out: RootListing[] = [listing(publicGoodRoot(), "embedded (@sigstore/tuf seeds.json)")];
  if (existsSync(homeCaPath(home))) out.push(listing(homeCaRoot(home), homeCaPath(home)));
  else if (servedLogRootEntry(home)) out.push(listing(homeLogRoot(home), join(home, "log", "log.json")));
  for (const name of addedNames(home)) {
    const path = join(rootsDir(home), `${name}.json`);
    out.push(listing(readRoot(path, name), path));
  }
  return out;
}

export function removeTrustRoot(home: string, name: string): void {
  if (RESERVED.includes(name)) {
    throw new CairnError("USAGE", `trust root ${name} is built in and cannot be removed`, {
      hint: name === HOME_CA_NAME ? "it is the home's own CA (`cairn ca`)" : "pass --trusted-root FILE to `att verify` to trust only the roots you name",
    });
  }
  checkName(name);
  const path = join(rootsDir(home), `${name}.json`);
  if (!existsSync(path)) throw new CairnError("NOT_FOUND", `trust root ${name} does not exist`, { hint: "list them with `cairn trust-root list`" });
  rmSync(path);
}

/** The home CA's trusted_root.json text; NOT_CONFIGURED when the home has no CA. */
export function homeCaTrustedRoot(home: string): string {
  if (!existsSync(homeCaPath(home))) {
    throw new CairnError("NOT_CONFIGURED", `this home (${home}) has no CA`, { hint: "create one with `cairn ca init`, or pass --control-plane URL to fetch a server's" });
  }
  // a damaged file is an error here, not a bad export; the log, once served, is part of the home's root
  const root = homeCaRoot(home);
  return servedLogRootEntry(home) ? `${JSON.stringify(root.json, null, 2)}\n` : readFileSync(homeCaPath(home), "utf8");
}

/** A server's trusted root (`GET /api/v1/trusted-root`, a public route), checked before it is handed back. */
export async function fetchTrustedRoot(baseUrl: string, fetchImpl: typeof fetch, tls?: { ca: string }): Promise<string> {
  const url = `${baseUrl.replace(/\/+$/, "")}/api/v1/trusted-root`;
  let res: Response;
  try {
    res = await fetchImpl(url, { redirect: "error", headers: { Accept: "application/json" }, ...(tls && { tls }) });
  } catch (e) {
    throw new CairnError("NETWORK", `cannot reach ${url}: ${(e as Error).message}`, { hint: "check --control-plane (and --control-plane-ca for https)" });
  }
  const text = await res.text();
  if (res.status === 501 || res.status === 404) {
    throw new CairnError("NOT_CONFIGURED", `the control plane at ${baseUrl} serves no trusted root (HTTP ${res.status})`, { hint: "its operator runs `cairn ca init` in the server's home" });
  }
  if (!res.ok) throw new CairnError("IO", `${url} answered ${res.status} ${res.statusText}`);
  parseTrustedRoot(parseJson(new TextEncoder().encode(text), url), "control-plane", url, "USAGE");
  return text;
}

function listing(r: NamedRoot, source: string): RootListing {
  return { name: r.name, source, ...summarizeRoot(parseTrustedRoot(r.json, r.name).root) };
}

function addedNames(home: string): string[] {
  if (!existsSync(rootsDir(home))) return [];
  return readdirSync(rootsDir(home))
    .filter((f) => f.endsWith(".json") && NAME.test(f.slice(0, -5)))
    .map((f) => f.slice(0, -5))
    .sort();
}

function checkName(name: string): void {
  if (RESERVED.includes(name)) throw new CairnError("USAGE", `trust root name ${name} is reserved`, { hint: "choose another name" });
  if (!NAME.test(name)) {
    throw new CairnError("USAGE", `trust root name ${JSON.stringify(name)} is not valid`, { hint: "use 1-63 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit" });
  }
}

/** Parsed roots by path, kept while the file's size and mtime stay the same (a server reads them on every push). */
const parsed = new Map<string, { stamp: string; root: NamedRoot }>();

/** A root file, parsed and checked now (a broken file is named, not a failure deep in a verification). */
function readRoot(path: string, name: string, what = path): NamedRoot {
  const file = fileStamp(path);
  const stamp = file === "absent" ? undefined : `${file}:${name}`;
  const hit = stamp && parsed.get(path);
  if (hit && hit.stamp === stamp) return hit.root;
  const json = parseJson(readBytes(path, what), what);
  parseTrustedRoot(json, name, what);
  const root = { name, json: json as object };
  if (stamp) parsed.set(path, { stamp, root });
  return root;
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch {
    throw new CairnError("NOT_FOUND", `${what} does not exist or cannot be read`);
  }
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new CairnError("USAGE", `${what} is not valid JSON`, { hint: "pass a Sigstore trusted_root.json" });
  }
}
