/**
 * Contract parsing: YAML or JSON text, v1 (`schemaVersion: v1`, fields at the top level) or v2
 * (`apiVersion`/`kind: Contract`/`metadata`/`spec`), normalized to one Contract at this edge so
 * nothing downstream branches on the format. Every problem in the file is collected and reported
 * at once (CONTRACT_INVALID, details = [{path, problem, line?, column?}]).
 */
import type { Contract } from "./types.ts";
import { DNS_1123, DNS_1123_PROBLEM } from "./materials.ts";
import { checkExtension, invalidContract } from "./failure.ts";
import { Reader, type Fields } from "./reader.ts";
import { readSpec, SPEC_KEYS } from "./spec.ts";
import { readPlainTree } from "./plain-tree.ts";
import { readTree, type Tree, type Value } from "./tree.ts";

export interface ParseContractOptions {
  /**
   * File name or other label used at the start of error messages. When it ends in a file extension,
   * that must be .yaml/.yml/.json; a label without one (e.g. a stored contract's name) is not checked.
   */
  source: string;
  /** Material kind names accepted in `materials[].type`. */
  knownKinds: readonly string[];
}

/** apiVersion values accepted for v2: Chainloop's, and cairn's own. */
export const CONTRACT_API_VERSIONS = ["chainloop.dev/v1", "cairn.dev/v1"] as const;

const V1_KEYS = ["schemaVersion", ...SPEC_KEYS] as const;
const V2_KEYS = ["apiVersion", "kind", "metadata", "spec"] as const;
const METADATA_KEYS = ["name", "description", "annotations", "organization"] as const;

const HEADERS_HINT =
  'Start the contract with either "schemaVersion: v1" (v1: fields at the top level) or ' +
  '"apiVersion: chainloop.dev/v1" and "kind: Contract" (v2: metadata + spec).';

/**
 * Parses and validates a contract. Throws CONTRACT_INVALID listing every problem found. A plain document valid as a
 * contract is read on Bun's parser (plain-tree.ts); anything else is read again on the `yaml` library's tree, whose
 * positions the problems name.
 */
export function parseContract(text: string, opts: ParseContractOptions): Contract {
  checkExtension(opts.source);
  const plain = readPlainTree(text, opts.source);
  if (plain !== undefined) {
    const r = new Reader(plain);
    try {
      const contract = readDocument(r, plain.root, opts.knownKinds);
      if (r.problems.length === 0 && contract !== undefined) return contract;
    } catch {
      // the library's tree below gives the same failure, with positions
    }
  }
  return readContractTree(readTree(text, opts.source), opts);
}

/** The contract in `tree` (readTree's), as parseContract reads it without its plain fast path. */
export function readContractTree(tree: Tree, opts: ParseContractOptions): Contract {
  const r = new Reader(tree);
  const contract = readDocument(r, tree.root, opts.knownKinds);
  if (r.problems.length > 0 || contract === undefined) throw invalidContract(opts.source, r.sorted());
  return contract;
}

function readDocument(r: Reader, root: Value, knownKinds: readonly string[]): Contract | undefined {
  // An empty file or `{}` is a valid contract that requires nothing.
  if (root === null || (root instanceof Map && root.size === 0)) return emptyContract();
  if (!(root instanceof Map)) {
    const got = Array.isArray(root) ? "a list" : "a single value";
    r.add([], `the document must be a mapping of contract fields, got ${got}`, HEADERS_HINT);
    return undefined;
  }
  const v1 = root.has("schemaVersion") || root.has("schema_version");
  const v2 = root.has("apiVersion") || root.has("api_version") || root.has("kind");
  if (v1 && v2) {
    r.add([], "sets both schemaVersion (v1) and apiVersion/kind (v2); a contract is one or the other", HEADERS_HINT);
    return undefined;
  }
  if (!v1 && !v2) {
    r.add([], "unknown contract format: neither schemaVersion (v1) nor apiVersion and kind (v2) is set", HEADERS_HINT);
    return undefined;
  }
  return v1 ? readV1(r, root, knownKinds) : readV2(r, root, knownKinds);
}

function readV1(r: Reader, root: Value, knownKinds: readonly string[]): Contract | undefined {
  const f = r.fields(root, [], V1_KEYS);
  if (!f) return undefined;
  const version = r.string(f.get("schemaVersion"), ["schemaVersion"], true);
  if (version !== undefined && version !== "v1") {
    r.add(["schemaVersion"], `unsupported schemaVersion "${version}" (only "v1" exists)`, HEADERS_HINT);
  }
  return { format: "v1", ...readSpec(r, f, [], knownKinds) };
}

function readV2(r: Reader, root: Value, knownKinds: readonly string[]): Contract | undefined {
  const f = r.fields(root, [], V2_KEYS);
  if (!f) return undefined;
  const apiVersion = r.string(f.get("apiVersion"), ["apiVersion"]);
  if (apiVersion === undefined) r.add(["apiVersion"], "is required", HEADERS_HINT);
  else if (!(CONTRACT_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    r.add(["apiVersion"], `unsupported apiVersion "${apiVersion}" (want ${CONTRACT_API_VERSIONS.join(" or ")})`);
  }
  const kind = r.string(f.get("kind"), ["kind"]);
  if (kind === undefined) r.add(["kind"], "is required (kind: Contract)", HEADERS_HINT);
  else if (kind !== "Contract") {
    // A Policy or PolicyGroup given as a contract: its spec would only add noise, so stop here.
    r.add(["kind"], `must be "Contract", got "${kind}"`, `This is a ${kind} document, not a workflow contract.`);
    return undefined;
  }

  const contract: Contract = { format: "v2", ...readSpec(r, specFields(r, f.get("spec")), ["spec"], knownKinds) };
  if (!f.has("metadata")) {
    r.add(["metadata"], "is required (metadata.name names the contract)");
    return contract;
  }
  const meta = r.fields(f.get("metadata")!, ["metadata"], METADATA_KEYS);
  if (!meta) return contract;
  if (!meta.has("name")) r.add(["metadata", "name"], "is required");
  const name = r.matching(meta.get("name"), ["metadata", "name"], DNS_1123, DNS_1123_PROBLEM);
  const description = r.string(meta.get("description"), ["metadata", "description"]);
  const organization = r.string(meta.get("organization"), ["metadata", "organization"]);
  if (name !== undefined) contract.name = name;
  if (description !== undefined) contract.description = description;
  if (meta.has("annotations")) {
    contract.metadataAnnotations = r.stringMap(meta.get("annotations"), ["metadata", "annotations"]);
  }
  if (organization !== undefined) contract.organization = organization;
  return contract;
}

/** A missing or empty spec is an empty one (a contract may require nothing). */
function specFields(r: Reader, v: Value | undefined): Fields {
  if (v === undefined) return new Map();
  return r.fields(v, ["spec"], SPEC_KEYS) ?? new Map();
}

function emptyContract(): Contract {
  return {
    format: "v2",
    materials: [],
    envAllowList: [],
    annotations: [],
    policies: { materials: [], attestation: [] },
    policyGroups: [],
  };
}
