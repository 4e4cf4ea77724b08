// Contract changes as short lines a developer reads in the terminal or the web view. Pure.
import type { ContractChange, ContractChanges, GateSetting, PolicyRef } from "./diff.ts";

/**
 * The header, then one indented line per change (`+` added, `-` removed, `~` changed); "no changes" when there are none.
 * @example renderContractChanges(changes, "contract build revised to revision 3") // ["contract build revised to revision 3", "  + material sbom (SBOM_CYCLONEDX_JSON), required"]
 */
export function renderContractChanges(c: ContractChanges, header: string): string[] {
  return [header, ...(c.length === 0 ? ["no changes"] : c.map(changeLine)).map((l) => `  ${l}`)];
}

/** One change as one line. */
export function changeLine(c: ContractChange): string {
  switch (c.change) {
    case "material-added":
      return `+ material ${c.material} (${c.kind}), ${c.required ? "required" : "optional"}${c.output ? ", output" : ""}`;
    case "material-removed":
      return `- material ${c.material} (${c.kind})`;
    case "material-required":
      return `~ material ${c.material} is now ${c.required ? "required" : "optional"}`;
    case "material-output":
      return `~ material ${c.material} is ${c.output ? "now an output" : "no longer an output"}`;
    case "material-kind":
      return `~ material ${c.material} kind ${c.from} -> ${c.to}`;
    case "policy-attached":
      return `+ ${policyLabel(c)}${c.gate === undefined ? "" : c.gate ? ", gated" : ", not gated"}`;
    case "policy-detached":
      return `- ${policyLabel(c)}`;
    case "policy-gate":
      return `~ ${policyLabel(c)}: gate ${gate(c.from)} -> ${gate(c.to)}`;
    case "policy-disabled":
      return `~ ${policyLabel(c)} is now ${c.disabled ? "disabled" : "enabled"}`;
    case "policy-group-attached":
      return `+ policy group ${c.group}${c.gate === undefined ? "" : c.gate ? ", gated" : ", not gated"}`;
    case "policy-group-detached":
      return `- policy group ${c.group}`;
    case "policy-group-gate":
      return `~ policy group ${c.group}: gate ${gate(c.from)} -> ${gate(c.to)}`;
    case "env-added":
      return `+ env ${c.name} (allow-listed)`;
    case "env-removed":
      return `- env ${c.name} (allow-listed)`;
    case "runner":
      return `~ runner ${c.from ?? "any"} -> ${c.to ?? "any"}`;
    case "annotation-added":
      return `+ annotation ${c.name}${c.value === "" ? ", required at push" : `=${c.value}`}`;
    case "annotation-removed":
      return `- annotation ${c.name}`;
    case "annotation-value":
      return `~ annotation ${c.name}: ${value(c.from)} -> ${value(c.to)}`;
    case "provenance-required":
      return `~ SLSA provenance is ${c.required ? "now required" : "no longer required"}`;
  }
}

function policyLabel(p: PolicyRef): string {
  if (p.level === "attestation") return `attestation policy ${p.policy}`;
  return `material policy ${p.policy}${p.material === undefined ? "" : ` on ${p.material}`}`;
}

const gate = (g: GateSetting) => (g === undefined ? "default" : g ? "on" : "off");
const value = (v: string) => (v === "" ? "(set at push)" : v);
