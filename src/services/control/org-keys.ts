import { createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CairnError } from "../../errors.ts";
import { keyId, keyKind, parsePublicKeyPem, publicKeyPem } from "../../signing/keys.ts";
import { decodePem } from "../../signing/pem.ts";
import type { OrgKeyRecord, OrgKeyStatus } from "../../store/org-key-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";
import { checkName } from "./orgs.ts";
import { actorLabel } from "./roles.ts";
import { BoundedMap } from "../bounded-map.ts";

/** A registered key as `org key list` and the server show it. */
export interface OrgKeyView {
  name: string;
  algorithm: string;
  keyId: string;
  status: OrgKeyStatus;
  createdAt: string;
  /** `token:<name>` or `local`; null for keys registered before roles. */
  createdBy: string | null;
  removedAt: string | null;
  publicKey: string;
}

export interface OrgKeyAddInput {
  name: string;
  /** The PEM text of the public key. */
  pem: string;
  /** Names the key in errors (the --key file, or a request field). */
  source: string;
}

/** A live key ready to verify with. */
export interface VerificationKey {
  name: string;
  keyId: string;
  key: KeyObject;
}

export const ORG_KEY_STATUSES = ["active", "removed", "all"] as const;

// PEM types of private keys (PKCS#8, SEC1, PKCS#1, cosign's encrypted formats): refused with a hint to pass the .pub.
const PRIVATE_PEM = /PRIVATE KEY$/;

const view = (k: OrgKeyRecord): OrgKeyView => ({
  name: k.name,
  algorithm: k.algorithm,
  keyId: k.keyId,
  status: k.removedAt ? "removed" : "active",
  createdAt: k.createdAt,
  createdBy: k.createdBy,
  removedAt: k.removedAt,
  publicKey: k.publicKeyPem,
});

/** Reads the PEM text of `--key FILE` (relative to the working directory). */
export function readKeyFile(deps: ServiceDeps, path: string): string {
  try {
    return readFileSync(resolve(deps.config.cwd, path), "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT") throw new CairnError("NOT_FOUND", `--key ${path}: file not found`, { hint: "pass the path of the signer's public key (cosign.pub)" });
    throw new CairnError("IO", `--key ${path}: cannot read (${String(code ?? e)})`, { cause: e });
  }
}

/** Parses a public key PEM for registration: ECDSA P-256 or Ed25519, never a private key. */
export function parseRegisteredKey(pem: string, source: string): KeyObject {
  const type = decodePem(pem, source).type;
  if (PRIVATE_PEM.test(type)) {
    throw new CairnError("KEY_INVALID", `${source}: is a private key (${type}); only the public key is registered`, {
      hint: "pass the public half, e.g. cosign.pub next to cosign.key",
    });
  }
  return parsePublicKeyPem(pem, source);
}

/**
 * `org key add`: registers a public key in the current organization under a name. The PEM is stored normalized
 * (re-exported SPKI) with its cosign key id. A live key with the same name or the same key → ALREADY_EXISTS.
 */
export async function addOrgKey(deps: ServiceDeps, input: OrgKeyAddInput): Promise<OrgKeyView> {
  const name = checkName(input.name, "--name");
  const key = parseRegisteredKey(input.pem, input.source);
  const record = { id: crypto.randomUUID(), name, algorithm: keyKind(key, input.source), publicKeyPem: publicKeyPem(key), keyId: keyId(key) };
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const org = await deps.repo.ensureOrg(deps.config.organization, now);
    if (await deps.orgKeys.findLiveByName(org.id, name)) {
      throw new CairnError("ALREADY_EXISTS", `a key named ${name} is already registered in organization ${org.name}`, {
        hint: "pick another --name, or remove the old key first with `cairn org key remove`",
      });
    }
    const same = await deps.orgKeys.findLiveByKeyId(org.id, record.keyId);
    if (same) {
      throw new CairnError("ALREADY_EXISTS", `${input.source}: this key is already registered in organization ${org.name} as ${same.name}`, {
        hint: "a key is registered once; `cairn org key list` shows it",
      });
    }
    const createdBy = actorLabel(deps.actor);
    await deps.orgKeys.insertKey({ ...record, orgId: org.id, createdAt: now, createdBy });
    return view({ ...record, orgId: org.id, createdAt: now, removedAt: null, createdBy });
  });
}

/** `org key list`: by name, live keys by default. */
export async function listOrgKeys(deps: ServiceDeps, input: { status?: string; limit?: number; next?: string }): Promise<Page<OrgKeyView>> {
  const filter = (input.status ?? "active") as (typeof ORG_KEY_STATUSES)[number];
  if (!ORG_KEY_STATUSES.includes(filter)) {
    throw new CairnError("USAGE", `--status ${JSON.stringify(input.status)} is not a key status`, { hint: `use one of ${ORG_KEY_STATUSES.join(", ")}` });
  }
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const after = input.next === undefined ? undefined : keyCursor(input.next);
  const org = await deps.repo.findOrg(deps.config.organization);
  if (!org) return { items: [] };
  const rows = await deps.orgKeys.listKeys({ orgId: org.id, status: filter === "all" ? undefined : filter, limit: limit + 1, after });
  const page = toPage(rows, limit, (k) => [k.name, k.id]);
  return { ...page, items: page.items.map(view) };
}

function keyCursor(next: string): { name: string; id: string } {
  const [name, id, ...rest] = decodeCursor(next);
  if (typeof name !== "string" || typeof id !== "string" || rest.length > 0) {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`org key list\``, { hint: "pass the value printed by the previous page" });
  }
  return { name, id };
}

/** `org key remove`: soft removal (revocation): nothing it signed verifies against the organization's keys any more. */
export async function removeOrgKey(deps: ServiceDeps, input: { name: string }): Promise<OrgKeyView> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const k = org && await deps.orgKeys.findLiveByName(org.id, input.name);
    if (!k) {
      throw new CairnError("NOT_FOUND", `--name ${input.name}: no key of that name is registered in organization ${deps.config.organization}`, {
        hint: "list registered keys with `cairn org key list`",
      });
    }
    await deps.orgKeys.removeKey(k.id, now);
    return view({ ...k, removedAt: now });
  });
}

/** The live keys of the current organization (or of `orgId`), parsed (what a pushed bundle must be signed by). */
export async function verificationKeys(deps: ServiceDeps, orgId?: string): Promise<VerificationKey[]> {
  const id = orgId ?? (await deps.repo.findOrg(deps.config.organization))?.id;
  if (id === undefined) return [];
  return (await deps.orgKeys.liveKeys(id)).map((k) => ({ name: k.name, keyId: k.keyId, key: parsedKey(k.publicKeyPem) }));
}

/** Parsed public keys by their PEM (a pure function of it): a server verifying every request parses each key once. */
const parsed = new BoundedMap<string, KeyObject>(1024);
function parsedKey(pem: string): KeyObject {
  return parsed.getOrMake(pem, () => createPublicKey(pem));
}
