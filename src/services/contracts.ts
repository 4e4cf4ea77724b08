import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { CairnError } from "../errors.ts";
import { canonicalJson } from "../crafter/canonical-json.ts";
import { parseContract } from "../crafter/contract/parse.ts";
import type { Contract } from "../crafter/contract/types.ts";
import { kindNames } from "../crafter/materials/registry.ts";
import type { ContractRevision, ControlPlaneRepo } from "../store/ports.ts";

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
  const digest = `sha256:${createHash("sha256").update(canonicalJson(contract)).digest("hex")}`;
  return { contract, body, bodyFormat, digest };
}

export function loadContractFile(path: string): LoadedContract {
  let body: string;
  try {
    body = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CairnError("NOT_FOUND", `contract file ${path} ${code === "ENOENT" ? "does not exist" : "cannot be read"}`, {
      hint: "pass the path of a contract YAML or JSON file with --contract",
    });
  }
  return parseContractText(body, path);
}

/** Finds or creates the named contract and adds a revision when the content differs from the latest one. */
export function registerRevision(
  repo: ControlPlaneRepo,
  orgId: string,
  name: string,
  loaded: LoadedContract,
  now: string,
): ContractRevision {
  const existing = repo.findContractByName(orgId, name) ?? repo.createContract(orgId, name, loaded.contract.description ?? null, now);
  const latest = repo.latestRevision(existing.id);
  if (latest && latest.digest === loaded.digest) return latest;
  return repo.addRevision(existing.id, loaded.body, loaded.bodyFormat, loaded.digest, now);
}

/** Parses a stored revision back into a contract. */
export function revisionContract(rev: ContractRevision): Contract {
  return parseContractText(rev.body, `contract ${rev.contractName} revision ${rev.revision}`).contract;
}
