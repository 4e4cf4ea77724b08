/**
 * Policy and policy-group reference syntax, after Chainloop's ValidatePolicyAttachmentRef, with one
 * addition: a bare ref with a file extension (`policies/licenses.yaml`) is a local file path. Chainloop's
 * own crafter test contracts use that form, and for a local-first tool it is the common case.
 */
import { DNS_1123 } from "./materials.ts";

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const EXTENSION = /\.[A-Za-z0-9]+$/;

/** Returns what is wrong with `ref`, or undefined when it is well-formed. */
export function checkPolicyRef(ref: string): string | undefined {
  if (ref.trim() === "") return "must not be empty";
  let body = ref;
  const at = ref.indexOf("@");
  if (at >= 0) {
    const digest = ref.slice(at + 1);
    if (!DIGEST.test(digest)) return `invalid digest "${digest}" (want @sha256:<64 lowercase hex>)`;
    body = ref.slice(0, at);
  }
  const sep = body.indexOf("://");
  const scheme = sep >= 0 ? body.slice(0, sep) : "";
  const rest = sep >= 0 ? body.slice(sep + 3) : body;
  switch (scheme) {
    case "file":
      if (rest === "") return "file reference has no path";
      return EXTENSION.test(rest) ? undefined : `file reference "${rest}" has no extension`;
    case "http":
    case "https":
      return checkHttp(body);
    case "":
      // A bare ref with an extension is a local file; otherwise it names a policy.
      if (EXTENSION.test(rest) && !rest.includes(":")) return undefined;
      return checkName(rest);
    case "chainloop":
      return checkName(rest);
    default:
      return `unsupported scheme "${scheme}://" (use file, http, https or chainloop)`;
  }
}

function checkHttp(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `invalid URL "${url}"`;
  }
  if (parsed.pathname === "" || parsed.pathname === "/") return "URL has no path";
  return EXTENSION.test(parsed.pathname) ? undefined : `URL path "${parsed.pathname}" has no extension`;
}

/** `[provider:][org/]name`, each part DNS-1123. */
function checkName(value: string): string | undefined {
  const colon = value.indexOf(":");
  const provider = colon >= 0 ? value.slice(0, colon) : "";
  let name = colon >= 0 ? value.slice(colon + 1) : value;
  let org = "";
  const slash = name.indexOf("/");
  if (slash >= 0) {
    org = name.slice(0, slash);
    name = name.slice(slash + 1);
  }
  if (!DNS_1123.test(name)) return `invalid policy name "${name}" (lowercase letters, digits and '-')`;
  if (colon >= 0 && !DNS_1123.test(provider)) return `invalid provider name "${provider}"`;
  if (slash >= 0 && !DNS_1123.test(org)) return `invalid organization name "${org}"`;
  return undefined;
}
