import { CairnError, isCairnError } from "../errors.ts";
import type { Contract } from "../crafter/contract/types.ts";
import { contractRef, loadContractFile, parseContractText } from "./contracts.ts";

/** A stored contract's latest revision as the control plane describes it (local store or `cairn serve`). */
export type DescribeContract = (name: string) => Promise<{ name: string; revision: number; body: string }>;

/**
 * `check --contract FILE|NAME`: an existing file (or a value shaped like a path) is read; anything else is a stored
 * contract's name (DNS-1123), fetched through `describe` — the local store, or `--control-plane`'s contract routes.
 * An unknown name is NOT_FOUND naming the value both ways, so a mistyped file name is not taken for a missing contract.
 */
export async function loadCheckContract(value: string, cwd: string, describe: DescribeContract): Promise<{ contract: Contract; source: string }> {
  const ref = contractRef(value, cwd);
  if ("file" in ref) return { contract: loadContractFile(ref.file, cwd).contract, source: ref.file };
  let d: Awaited<ReturnType<DescribeContract>>;
  try {
    d = await describe(ref.name);
  } catch (e) {
    if (!isCairnError(e, "NOT_FOUND")) throw e;
    throw new CairnError("NOT_FOUND", `--contract ${ref.name}: no such file, and ${e.message}`, {
      hint: "pass a contract file's path, or a stored contract's name as listed by `cairn workflow contract list` (with --control-plane URL for a server's)",
      cause: e,
    });
  }
  const source = `contract ${d.name} revision ${d.revision}`;
  return { contract: parseContractText(d.body, source).contract, source };
}

/** The describe of a home without a store: every name is unknown (and nothing is created by looking). */
export function noStore(home: string, organization: string): DescribeContract {
  return async (name) => {
    throw new CairnError("NOT_FOUND", `contract ${name} does not exist in organization ${organization} (no store at ${home})`);
  };
}
