// `workflow contract diff`: the semantic difference between two stored revisions, read through `contract describe`
// (locally from the store, remotely over GET /api/v1/contracts/:name?revision=N), so it needs no route of its own.
import { CairnError } from "../../errors.ts";
import { diffContracts, renderContractChanges, type ContractChanges } from "../../crafter/contract/diff.ts";
import { parseContractText } from "../contracts.ts";
import type { ContractDetail } from "./contracts.ts";

/** A revision as the diff names it: when it was made and by whom. */
export interface RevisionStamp {
  revision: number;
  digest: string;
  createdAt: string;
  /** `token:<name>` or `local`; null for revisions older than roles. */
  createdBy: string | null;
}

export interface ContractDiff {
  name: string;
  from: RevisionStamp;
  to: RevisionStamp;
  changes: ContractChanges;
}

export interface ContractDiffInput {
  name: string;
  /** Default: the revision before `to`. */
  from?: number;
  /** Default: the latest revision. */
  to?: number;
}

type Describe = (i: { name: string; revision?: number }) => Promise<ContractDetail>;

/** Fetches both revisions (the latest when `to` is absent) and diffs their normalized contracts. */
export async function diffContractRevisions(describe: Describe, input: ContractDiffInput): Promise<ContractDiff> {
  checkRevision(input.from, "--from");
  checkRevision(input.to, "--to");
  const to = await describe({ name: input.name, revision: input.to });
  const fromRevision = input.from ?? to.revision - 1;
  if (fromRevision < 1) {
    throw new CairnError("USAGE", `contract ${to.name} has only revision ${to.revision}: there is no previous revision to compare with`, {
      hint: "revise it with `cairn workflow contract update`, or pass --from and --to",
    });
  }
  const from = await describe({ name: input.name, revision: fromRevision });
  const parse = (d: ContractDetail) => parseContractText(d.body, `contract ${d.name} revision ${d.revision}`).contract;
  return { name: to.name, from: stamp(from), to: stamp(to), changes: diffContracts(parse(from), parse(to)) };
}

/** The two revisions' stamps, then the changes. */
export function renderContractDiff(d: ContractDiff): string[] {
  const line = (s: RevisionStamp) => `revision ${s.revision}: created ${s.createdAt} by ${s.createdBy ?? "unknown"}`;
  return [`contract ${d.name}`, `  ${line(d.from)}`, `  ${line(d.to)}`, ...renderContractChanges(d.changes, `changes from revision ${d.from.revision} to ${d.to.revision}:`)];
}

const stamp = (d: ContractDetail): RevisionStamp => ({ revision: d.revision, digest: d.digest, createdAt: d.createdAt, createdBy: d.createdBy });

function checkRevision(n: number | undefined, flag: string): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw new CairnError("USAGE", `${flag} ${n} is not a revision number`, { hint: "revisions are whole numbers from 1; see `cairn workflow contract describe --name NAME`" });
  }
}
