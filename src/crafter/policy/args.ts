/** Policy arguments: `with:` values / `--input k=v` strings → the `input.args` map an expression sees. */
import { CairnError } from "../../errors.ts";
import { didYouMean } from "../contract/suggest.ts";
import type { CompiledPolicy } from "./types.ts";

export type ArgValue = string | string[];

export interface ResolvedArgs {
  /** What expressions see as `input.args`. */
  args: Record<string, ArgValue>;
  /** The string values used (given or default), recorded in the result. */
  inputs: Record<string, string>;
}

/**
 * Chainloop's splitting: a value is split on commas and newlines (`\,` is a literal comma), items are
 * trimmed and empty items dropped.
 */
export function splitValues(raw: string): string[] {
  return raw
    .split(/(?<!\\),|\n/)
    .map((s) => s.replace(/\\,/g, ",").trim())
    .filter((s) => s !== "");
}

/**
 * Every declared input gets a value: given, else its default, else (not required) "" / []. `type: list`
 * inputs are always lists; `type: string` inputs are a string, or a list when the value has several items
 * (as Chainloop does). Unknown and missing required inputs are POLICY_INVALID errors naming the policy.
 */
export function resolveArgs(policy: CompiledPolicy, given: Record<string, string>): ResolvedArgs {
  const names = policy.inputs.map((i) => i.name);
  for (const key of Object.keys(given).sort()) {
    if (names.includes(key)) continue;
    throw new CairnError("POLICY_INVALID", `policy ${policy.name}: unknown input "${key}"${didYouMean(key, names)}`, {
      hint: names.length === 0 ? "this policy takes no inputs: remove it" : `inputs of ${policy.name}: ${names.join(", ")}`,
    });
  }
  const args: Record<string, ArgValue> = {};
  const inputs: Record<string, string> = {};
  for (const input of policy.inputs) {
    const raw = Object.hasOwn(given, input.name) ? given[input.name] : input.default;
    if (raw === undefined && input.required) {
      throw new CairnError("POLICY_INVALID", `policy ${policy.name}: input "${input.name}" is required`, {
        hint: `give it with \`with: {${input.name}: …}\` in the contract or \`--input ${input.name}=…\`${input.description ? ` (${input.description})` : ""}`,
      });
    }
    const value = raw ?? "";
    inputs[input.name] = value;
    const items = splitValues(value);
    args[input.name] = input.type === "list" || items.length > 1 ? items : (items[0] ?? "");
  }
  return { args, inputs };
}
