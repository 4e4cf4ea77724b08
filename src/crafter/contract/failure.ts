/** How contract problems become one CairnError. */
import { CairnError } from "../../errors.ts";
import type { Problem } from "./reader.ts";

const CONTRACT_EXTENSIONS = ["yaml", "yml", "json"];

/**
 * Like Chainloop's LoadSchema, a file with an extension must be .yaml, .yml or .json (an empty
 * `contract.xml` is not an empty contract). Sources without an extension are judged by content.
 */
export function checkExtension(source: string): void {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(source)?.[1]?.toLowerCase();
  if (ext === undefined || CONTRACT_EXTENSIONS.includes(ext)) return;
  const details = [{ path: "", problem: `unsupported file extension ".${ext}"` }];
  throw new CairnError("CONTRACT_INVALID", `${source}: ${details[0]!.problem}; contracts are YAML or JSON`, {
    hint: "Rename the file to .yaml, .yml or .json (CUE and other formats are not supported).",
    details,
  });
}

/** One CONTRACT_INVALID error: the first problem in the message, all of them in `details`. */
export function invalidContract(source: string, problems: Problem[]): CairnError {
  const first = problems[0] ?? { path: "", problem: "invalid contract" };
  const where = first.path === "" ? "" : `${first.path}: `;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  const details = problems.map(({ hint: _hint, ...p }) => p);
  const hint =
    first.hint ??
    (problems.length > 1
      ? `Fix the ${problems.length} listed problems (all are in the error details, e.g. with -o json).`
      : "Fix the field named in the message.");
  return new CairnError("CONTRACT_INVALID", `${source}: ${where}${first.problem}${more}`, { hint, details });
}
