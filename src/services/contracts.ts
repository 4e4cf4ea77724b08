import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CairnError } from "../errors.ts";
import { canonicalJson } from "../crafter/canonical-json.ts";
import { contractBodyDigest } from "../crafter/statement.ts";
import { parseContract } from "../crafter/contract/parse.ts";
import type { Contract } from "../crafter/contract/types.ts";
import { kindNames } from "../crafter/materials/registry.ts";
import type { ContractRevision } from "../store/ports.ts";
import type { ServiceDeps } from "./deps.ts";
import { enqueueEvent } from "./webhooks/events.ts";

export interface LoadedContract {
  contract: Contract;
  body: string;
  bodyFormat: "yaml" | "json";
  /** sha256 of the normalized contract: reformatting or comments do not make a new revision. */
  digest: string;
}

export function parseContractText(body: string, source: string): LoadedContract {
  const contract = parseContract(body, { source, knownKinds: kindNames() });
  const bodyFormat = body.trimStart().startsWith("{") ? "json" : "yaml";
  const digest = `sha256:${new Bun.CryptoHasher("sha256").update(canonicalJson(contract)).digest("hex")}`;
  return { contract, body, bodyFormat, digest };
}

/** Reads a contract file given with `flag`; `path` is resolved against `cwd` and named as given in messages. */
export function loadContractFile(path: string, cwd = ".", flag = "--contract"): LoadedContract {
  let body: string;
  try {
    body = readFileSync(resolve(cwd, path), "utf8");
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new CairnError("NOT_FOUND", `${flag} ${path}: the contract file ${missing ? "does not exist" : "cannot be read"}`, {
      hint: `pass the path of a contract YAML or JSON file with ${flag}`,
    });
  }
  return parseContractText(body, path);
}

/** A workflow or contract created without a file gets an empty contract, which `contract update` can fill later. */
export function emptyContract(name: string): LoadedContract {
  const body = `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: ${name}\nspec: {}\n`;
  return parseContractText(body, "built-in default contract");
}

/**
 * The contract a workflow gets without --contract: `name` (by convention `<project>-<workflow>`) as stored — a
 * workflow deleted and created again finds its old contract unchanged — or a new empty one.
 */
export async function defaultContractRevision(deps: RevisionDeps, orgId: string, name: string, now: string, createdBy: string): Promise<ContractRevision> {
  const existing = await deps.repo.findContractByName(orgId, name);
  return (existing && await deps.repo.latestRevision(existing.id)) ?? registerRevision(deps, orgId, name, emptyContract(name), now, createdBy);
}

/** What adding a revision needs: the store, and the webhooks told of it. */
export type RevisionDeps = Pick<ServiceDeps, "repo" | "webhooks" | "clock" | "config">;

/**
 * Adds a revision and, in the same transaction, enqueues `contract.revised` for the organization's webhooks. Every
 * revision is an event, revision 1 of a new contract too (previousRevision null): a contract appearing is news to
 * whoever watches contracts, and the rule stays one line. Every path adding a revision goes through here.
 */
export async function addRevision(deps: RevisionDeps, orgId: string, contractId: string, loaded: LoadedContract, now: string, createdBy: string): Promise<ContractRevision> {
  return await deps.repo.transaction(async () => {
    const rev = await deps.repo.addRevision(contractId, loaded.body, loaded.bodyFormat, loaded.digest, now, createdBy);
    await enqueueEvent(deps, orgId, "contract.revised", {
      organization: deps.config.organization,
      contract: { name: rev.contractName, revision: rev.revision, previousRevision: rev.revision > 1 ? rev.revision - 1 : null, createdBy },
    });
    return rev;
  });
}

/** Finds or creates the named contract and adds a revision (made by `createdBy`) when the content differs from the latest one. */
export async function registerRevision(
  deps: RevisionDeps,
  orgId: string,
  name: string,
  loaded: LoadedContract,
  now: string,
  createdBy: string,
): Promise<ContractRevision> {
  const { repo } = deps;
  return await repo.transaction(async () => {
    // Two replicas registering one contract at once: one creates it and adds the revision, the other then finds both.
    await repo.lockName("contract", orgId, name);
    const existing = (await repo.findContractByName(orgId, name)) ?? (await repo.createContract(orgId, name, loaded.contract.description ?? null, now));
    const latest = await repo.latestRevision(existing.id);
    if (latest && latest.digest === loaded.digest) return latest;
    return await addRevision(deps, orgId, existing.id, loaded, now, createdBy);
  });
}

/** Parses a stored revision back into a contract. */
export function revisionContract(rev: ContractRevision): Contract {
  return parseContractText(rev.body, `contract ${rev.contractName} revision ${rev.revision}`).contract;
}

/** What `--contract NAME|FILE` names: a contract file to load, or a contract stored by name. */
export type ContractRef = { file: string } | { name: string };

const CONTRACT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * `--contract` takes a file or a stored contract's name, as Chainloop's does (URLs are not fetched: cairn stays
 * offline). An existing file wins; a value that looks like a path (a slash or a .yaml/.yml/.json ending) is a
 * file even when missing, so a typo reports the missing file instead of an unknown contract.
 */
export function classifyContractRef(value: string, fileExists: (path: string) => boolean): ContractRef {
  if (/^https?:\/\//i.test(value)) {
    throw new CairnError("USAGE", `--contract ${value}: contracts are not fetched from URLs (cairn works offline)`, {
      hint: "download the file and pass its path, or register it with `cairn apply -f FILE` and pass its name",
    });
  }
  if (fileExists(value) || /[\\/]/.test(value) || /\.(ya?ml|json)$/i.test(value)) return { file: value };
  if (!CONTRACT_NAME.test(value)) {
    throw new CairnError("USAGE", `--contract ${JSON.stringify(value)} is neither a file nor a contract name`, {
      hint: "pass a contract file path, or a name as listed by `cairn workflow contract list`",
    });
  }
  return { name: value };
}

export function contractRef(value: string, cwd: string): ContractRef {
  return classifyContractRef(value, (p) => existsSync(resolve(cwd, p)));
}

/** What a stored revision's body hashes to (the statement's `contractDigest`); undefined when it is not stored. */
export async function storedBodyDigest(deps: Pick<ServiceDeps, "repo">, orgId: string, contractName: string, revision: number): Promise<string | undefined> {
  const contract = await deps.repo.findContractByName(orgId, contractName);
  const rev = contract && await deps.repo.getRevision(contract.id, revision);
  return rev ? contractBodyDigest(rev.body) : undefined;
}
