/**
 * Policy references → compiled policies. Supported now: `builtin:NAME`, a file path or `file://path`
 * (relative to cwd; .yaml, .yml or .json) and an embedded document from a contract. Store names
 * (`cairn policy add`) and `@sha256:` pins are contract references, resolved in resolve.ts;
 * chainloop:// and http(s):// refs are refused with an error saying so.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { CairnError } from "../../errors.ts";
import { BUILTIN_PREFIX, builtinPolicy } from "../../crafter/policy/library.ts";
import { compilePolicy } from "../../crafter/policy/parse.ts";
import type { CompiledPolicy } from "../../crafter/policy/types.ts";

/** Policy files are small documents; anything bigger is a mistake (a material passed as --policy?). */
export const MAX_POLICY_BYTES = 1024 * 1024;
const EXTENSIONS = /\.(ya?ml|json)$/i;

export function loadPolicy(ref: string, cwd: string): CompiledPolicy {
  if (ref.startsWith(BUILTIN_PREFIX)) return builtinPolicy(ref.slice(BUILTIN_PREFIX.length));
  if (/^(https?|chainloop):\/\//.test(ref)) {
    throw new CairnError("USAGE", `policy ${ref}: remote policy references are not supported`, {
      hint: "download the policy and pass its file path, or use a built-in policy (builtin:NAME, see `cairn policy builtin`)",
    });
  }
  const path = ref.startsWith("file://") ? ref.slice("file://".length) : ref;
  if (!EXTENSIONS.test(path)) {
    const hint = existsSync(resolve(cwd, path))
      ? "policy files are .yaml, .yml or .json"
      : "pass a policy file (.yaml, .yml, .json) or builtin:NAME (`cairn policy builtin` lists them)";
    throw new CairnError("USAGE", `policy ${ref} is neither a policy file nor builtin:NAME`, { hint });
  }
  return compilePolicy(readPolicyFile(resolve(cwd, path), path), path);
}

/** A policy written inline in a contract (`embedded:`); `source` names it in errors, e.g. the contract path. */
export function loadEmbeddedPolicy(doc: Record<string, unknown>, source: string): CompiledPolicy {
  return compilePolicy(JSON.stringify(doc, null, 2), source);
}

export function readPolicyFile(abs: string, shown: string): string {
  if (!existsSync(abs)) throw new CairnError("NOT_FOUND", `policy file ${shown} does not exist`, { hint: "check the path passed with --policy" });
  const st = statSync(abs);
  if (!st.isFile()) throw new CairnError("USAGE", `policy ${shown} is not a regular file`, { hint: "pass the path of a policy file" });
  if (st.size > MAX_POLICY_BYTES) {
    throw new CairnError("POLICY_INVALID", `policy file ${shown} is ${st.size} bytes, over the ${MAX_POLICY_BYTES} byte limit`, {
      hint: "a policy is a small YAML/JSON document; check that --policy names the policy and --material the evidence",
    });
  }
  return readFileSync(abs, "utf8");
}
