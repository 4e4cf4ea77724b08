/**
 * `cairn serve --admission-config FILE`: reads and checks the admission configuration once, at start, so a bad file
 * stops the server instead of denying (or admitting) Pods later. Policy files named in it are relative to the
 * configuration file (not to where the server was started) and are compiled here once, to fail early.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { FALLBACK_NAMESPACE, parseAdmissionConfig, type AdmissionConfig } from "../admission/config.ts";
import { formatPath } from "../crafter/contract/path.ts";
import { CairnError, isCairnError } from "../errors.ts";
import { BUILTIN_PREFIX } from "../crafter/policy/library.ts";
import type { VerificationPolicySpec } from "../slsa/verification-policy.ts";
import { loadPolicy } from "./policies/load.ts";

export type { AdmissionConfig } from "../admission/config.ts";

/** An admission configuration is a short list of namespaces; anything bigger is the wrong file. */
export const MAX_ADMISSION_CONFIG_BYTES = 1024 * 1024;
const STORED_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DIGEST_SUFFIX = /@sha256:[0-9a-f]{64}$/;

/** Reads `path` (resolved against `cwd`); errors name the file as given, and the field for policy files. */
export function readAdmissionConfig(path: string, cwd: string): AdmissionConfig {
  const abs = resolve(cwd, path);
  const config = parseAdmissionConfig(readText(abs, path), path);
  const base = dirname(abs);
  const entries: [string, VerificationPolicySpec][] = [...config.namespaces];
  if (config.fallback) entries.push([FALLBACK_NAMESPACE, config.fallback]);
  for (const [ns, spec] of entries) {
    spec.policies = spec.policies?.map((ref, i) => checkedPolicyRef(ref, base, `${path}: ${formatPath(["namespaces", ns, "policies", i])}`));
  }
  return config;
}

function readText(abs: string, shown: string): string {
  const flag = `--admission-config ${shown}`;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new CairnError("USAGE", `${flag}: not a regular file`, { hint: "pass the admission configuration YAML file (docs/admission.md)" });
    if (st.size > MAX_ADMISSION_CONFIG_BYTES) {
      throw new CairnError("USAGE", `${flag}: ${st.size} bytes, over the ${MAX_ADMISSION_CONFIG_BYTES} byte limit`, { hint: "an admission configuration is a short YAML file; check the path" });
    }
    return readFileSync(abs, "utf8");
  } catch (e) {
    if (isCairnError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CairnError("NOT_FOUND", `${flag}: no such file`, { hint: "pass the path of the admission configuration (docs/admission.md)" });
    throw new CairnError("IO", `${flag}: cannot be read (${code ?? (e as Error).message})`, { cause: e });
  }
}

/**
 * A policy file reference made absolute against the configuration's folder, and compiled once to check it; built-in
 * and stored policy names (a bare DNS-1123 name, resolved in the organization of the webhook's token) are kept.
 */
function checkedPolicyRef(ref: string, base: string, where: string): string {
  const pin = DIGEST_SUFFIX.exec(ref)?.[0] ?? "";
  const bare = ref.slice(0, ref.length - pin.length);
  if (bare.startsWith(BUILTIN_PREFIX) || STORED_NAME.test(bare)) return ref;
  const file = bare.startsWith("file://") ? bare.slice("file://".length) : bare;
  const abs = isAbsolute(file) ? file : resolve(base, file);
  try {
    loadPolicy(/^(https?|chainloop):\/\//.test(bare) ? bare : abs, base); // remote references: refused with loadPolicy's reason
  } catch (e) {
    if (!isCairnError(e)) throw e;
    throw new CairnError(e.code, `${where}: ${e.message}`, { hint: "policy files in the admission configuration are relative to its folder", details: e.details, cause: e });
  }
  return `${abs}${pin}`;
}
