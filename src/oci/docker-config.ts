/**
 * Registry credentials from a docker `config.json` ($DOCKER_CONFIG/config.json, else $HOME/.docker/config.json).
 * Only inline `auths` entries are read. credHelpers/credsStore are deliberately NOT run: that would execute a
 * program named by a file; when only those exist the error says how to give credentials instead.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "../config.ts";
import { CairnError } from "../errors.ts";
import type { Credentials } from "./types.ts";

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigPath(env: Env): string | undefined {
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, "config.json");
  if (env.HOME) return join(env.HOME, ".docker", "config.json");
  return undefined;
}

function readConfig(path: string): DockerConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined; // no docker config: anonymous access
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as DockerConfig) : undefined;
  } catch (e) {
    throw new CairnError("USAGE", `docker config ${path} is not valid JSON`, {
      hint: "fix the file, or point DOCKER_CONFIG at a directory with a valid config.json",
      cause: e,
    });
  }
}

/** The host part of an `auths` key, which may be a bare host or a URL like `https://index.docker.io/v1/`. */
function keyHost(key: string): string {
  const stripped = key.replace(/^[a-z]+:\/\//i, "");
  const host = stripped.split("/")[0] ?? "";
  return normalizeHost(host);
}

function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h === "docker.io" || h === "index.docker.io" || h === "registry-1.docker.io" ? "index.docker.io" : h;
}

function decodeEntry(path: string, key: string, e: AuthEntry): Credentials | undefined {
  if (typeof e.username === "string" && typeof e.password === "string" && e.username !== "") {
    return { username: e.username, password: e.password };
  }
  if (typeof e.auth !== "string" || e.auth === "") return undefined;
  const decoded = Buffer.from(e.auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) {
    throw new CairnError("USAGE", `docker config ${path}: auths["${key}"].auth is not base64 of user:password`, {
      hint: `run \`docker login ${key}\` again, or pass --username/--password-env`,
    });
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Credentials for `registry` (host[:port]) from the docker config, or undefined (anonymous). */
export function dockerCredentials(env: Env, registry: string): Credentials | undefined {
  const path = dockerConfigPath(env);
  if (!path) return undefined;
  const cfg = readConfig(path);
  if (!cfg) return undefined;
  const want = normalizeHost(registry);
  for (const [key, entry] of Object.entries(cfg.auths ?? {})) {
    if (keyHost(key) !== want || typeof entry !== "object" || entry === null) continue;
    const creds = decodeEntry(path, key, entry);
    if (creds) return creds;
  }
  return undefined;
}

/**
 * Why no credentials were found although docker has some: they sit in a credential helper cairn does not run.
 * Callers add this to an UNAUTHENTICATED hint; anonymous access is still tried first (public registries).
 */
export function credentialHelperNote(env: Env, registry: string): string | undefined {
  const path = dockerConfigPath(env);
  const cfg = path ? readConfig(path) : undefined;
  const helper = cfg?.credHelpers?.[registry] ?? cfg?.credsStore;
  if (!path || !helper) return undefined;
  return `${path} keeps credentials in the credential helper "${helper}", which cairn does not run: pass --username and --password-env VAR, or add an inline "auths" entry for ${registry}`;
}
