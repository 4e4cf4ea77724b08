import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document } from "yaml";
import { CairnError } from "../../errors.ts";
import { checkTextBudget } from "../../crafter/contract/text-budget.ts";
import { parseContractText, registerRevision, type LoadedContract } from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";
import { actorLabel } from "./roles.ts";

/** One document of the input, validated. */
interface ApplyDoc {
  /** "file.yaml#2": the file as given and the document's number in it (from 1). */
  source: string;
  name: string;
  loaded: LoadedContract;
}

export type ApplyAction = "created" | "updated" | "unchanged";

export interface ApplyItem {
  source: string;
  kind: "Contract";
  name: string;
  action: ApplyAction;
  /** The revision the contract is at afterwards (in a dry run: would be). */
  revision: number;
}

export interface ApplyResult {
  dryRun: boolean;
  items: ApplyItem[];
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

/**
 * `cairn apply -f FILE|DIR`: every document is read and validated first; then all are applied in one transaction, so
 * one bad document changes nothing. A contract gets a new revision only when its normalized content changed.
 */
export function apply(deps: ServiceDeps, input: { path: string; dryRun?: boolean }): Promise<ApplyResult> {
  const docs = inputFiles(deps.config.cwd, input.path).flatMap((f) => readDocs(f.shown, readFileSync(f.full, "utf8")));
  return applyDocs(deps, docs, input.dryRun === true, `-f ${input.path}`);
}

/** `POST /api/v1/apply`: the same, for YAML/JSON text (documents are named `body#N` in messages). */
export function applyText(deps: ServiceDeps, input: { text: string; dryRun?: boolean }): Promise<ApplyResult> {
  return applyDocs(deps, readDocs("body", input.text), input.dryRun === true, "the request body");
}

async function applyDocs(deps: ServiceDeps, docs: ApplyDoc[], dryRun: boolean, what: string): Promise<ApplyResult> {
  if (docs.length === 0) {
    throw new CairnError("USAGE", `${what}: no documents to apply`, { hint: "pass YAML or JSON holding `kind: Contract` documents" });
  }
  checkUniqueNames(docs);
  const now = deps.clock.now().toISOString();
  if (dryRun) {
    const items: ApplyItem[] = [];
    for (const d of docs) items.push(await plan(deps, d));
    return { dryRun: true, items };
  }
  return await deps.repo.transaction(async () => {
    const org = await deps.repo.ensureOrg(deps.config.organization, now);
    const items: ApplyItem[] = [];
    for (const d of docs) items.push(await applyDoc(deps, org.id, d, now));
    return { dryRun: false, items };
  });
}

/** What applying would do, read-only. */
async function plan(deps: ServiceDeps, d: ApplyDoc): Promise<ApplyItem> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const c = org && await deps.repo.findContractByName(org.id, d.name);
  const latest = c && await deps.repo.latestRevision(c.id);
  if (!latest) return { source: d.source, kind: "Contract", name: d.name, action: "created", revision: 1 };
  const same = latest.digest === d.loaded.digest;
  return { source: d.source, kind: "Contract", name: d.name, action: same ? "unchanged" : "updated", revision: latest.revision + (same ? 0 : 1) };
}

async function applyDoc(deps: ServiceDeps, orgId: string, d: ApplyDoc, now: string): Promise<ApplyItem> {
  const before = await plan(deps, d);
  const rev = await registerRevision(deps, orgId, d.name, d.loaded, now, actorLabel(deps.actor));
  const description = d.loaded.contract.description;
  if (before.action === "updated" && description !== undefined) await deps.workflows.setContractDescription(rev.contractId, description, now);
  return { ...before, revision: rev.revision };
}

/** A file, or a directory's *.yaml|*.yml|*.json files (sorted, not recursive); also the remote CLI's rule. */
export function inputFiles(cwd: string, path: string): { shown: string; full: string }[] {
  const full = resolve(cwd, path);
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    throw new CairnError("NOT_FOUND", `-f ${path} does not exist`, { hint: "pass a YAML/JSON file or a directory of them" });
  }
  if (!isDir) return [{ shown: path, full }];
  const names = readdirSync(full, { withFileTypes: true })
    .filter((e) => e.isFile() && EXTENSIONS.test(e.name))
    .map((e) => e.name)
    .sort();
  return names.map((n) => ({ shown: join(path, n), full: join(full, n) }));
}

/** Splits a file into its documents, each validated as a contract and keeping its own text as the body. */
export function readDocs(file: string, text: string): ApplyDoc[] {
  const lines = new LineCounter();
  checkTextBudget(text, file);
  // Duplicate keys are found by readTree, document by document, in linear time (the library's check is quadratic).
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  if (!Array.isArray(docs)) return []; // empty stream (nothing but comments)
  const out: ApplyDoc[] = [];
  docs.forEach((doc, i) => {
    const source = `${file}#${i + 1}`;
    // Each document's text runs from its start ("---") to the next one's; the first also keeps the file's head.
    const start = i === 0 ? 0 : doc.range[0];
    const end = i + 1 < docs.length ? docs[i + 1]!.range[0] : text.length;
    if (doc.errors.length > 0) {
      const at = lines.linePos(doc.errors[0]!.pos[0]);
      const problem = doc.errors[0]!.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw new CairnError("CONTRACT_INVALID", `${source}:${at.line}:${at.col}: YAML syntax error: ${problem}`, {
        hint: `fix the YAML syntax of document ${i + 1} in ${file}`,
      });
    }
    if (isEmpty(doc)) return;
    const name = header(doc, source);
    // Padding with the lines before the document keeps line numbers in error details relative to the file.
    const padding = "\n".repeat(lines.linePos(start).line - 1);
    const body = text.slice(start, end);
    out.push({ source, name, loaded: { ...parseContractText(padding + body, source), body } });
  });
  return out;
}

function isEmpty(doc: Document): boolean {
  return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
}

/** `kind` and `metadata.name`, checked before the contract itself: apply only knows `kind: Contract`. */
function header(doc: Document, source: string): string {
  if (!isMap(doc.contents)) {
    throw new CairnError("CONTRACT_INVALID", `${source}: the document is not a mapping`, { hint: "each document needs `kind: Contract` and `metadata.name`" });
  }
  const kind = doc.get("kind");
  if (kind === undefined || kind === null) {
    throw new CairnError("CONTRACT_INVALID", `${source}: kind is required`, {
      hint: "add `apiVersion: cairn.dev/v1` and `kind: Contract` (a v1 `schemaVersion` contract can be created with `cairn workflow contract create -f`)",
    });
  }
  if (kind !== "Contract") {
    throw new CairnError("CONTRACT_INVALID", `${source}: kind ${JSON.stringify(kind)} is not supported by apply (only kind: Contract)`, {
      hint: "remove this document from the input, or move it to a file apply is not given",
    });
  }
  const name = doc.getIn(["metadata", "name"]);
  if (typeof name !== "string" || name === "") {
    throw new CairnError("CONTRACT_INVALID", `${source}: metadata.name is required`, { hint: "name the contract with `metadata: {name: my-contract}`" });
  }
  return name;
}

function checkUniqueNames(docs: ApplyDoc[]): void {
  const seen = new Map<string, string>();
  for (const d of docs) {
    const first = seen.get(d.name);
    if (first) {
      throw new CairnError("CONTRACT_INVALID", `${d.source}: contract ${d.name} is also defined in ${first}`, { hint: "keep one document per contract name" });
    }
    seen.set(d.name, d.source);
  }
}
