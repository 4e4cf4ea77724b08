/** Access to the built-in library: compiled once per process, on first use. */
import { CairnError } from "../../errors.ts";
import { didYouMean } from "../contract/suggest.ts";
import { BUILTIN_POLICIES } from "./builtin/index.ts";
import { compilePolicy } from "./parse.ts";
import type { CompiledPolicy } from "./types.ts";

export const BUILTIN_PREFIX = "builtin:";
const compiled = new Map<string, CompiledPolicy>();

export function builtinNames(): string[] {
  return [...BUILTIN_POLICIES.keys()];
}

/** The YAML source of a built-in policy; NOT_FOUND (with a suggestion) for an unknown name. */
export function builtinSource(name: string): string {
  const text = BUILTIN_POLICIES.get(name);
  if (text === undefined) {
    throw new CairnError("NOT_FOUND", `no built-in policy ${name}${didYouMean(name, builtinNames())}`, {
      hint: `built-in policies: ${builtinNames().join(", ")} (\`cairn policy builtin\`)`,
    });
  }
  return text;
}

export function builtinPolicy(name: string): CompiledPolicy {
  let p = compiled.get(name);
  if (!p) {
    p = compilePolicy(builtinSource(name), `${BUILTIN_PREFIX}${name}`);
    compiled.set(name, p);
  }
  return p;
}
