// `cairn verify` flags → the typed policy (VerificationPolicySpec), what is trusted, and the VSA settings: parsed once,
// here; a bad value is a USAGE error naming its flag.
import type { Command } from "commander";
import { parseDuration, type Config } from "../config.ts";
import { CairnError } from "../errors.ts";
import type { VerificationPolicySpec } from "../slsa/verification-policy.ts";
import { identityFromFlags, type IdentityPolicy } from "../trust/policy.ts";
import type { ArtifactTrust } from "../services/verify-artifact/types.ts";
import { collect, collectPairs, outputOption, toRecord, type OutputFormat } from "./shared.ts";

export interface VerifyFlags {
  workflow?: string;
  project?: string;
  allowBehind: boolean;
  includeInputs: boolean;
  requireProvenance?: boolean;
  requireTlog: boolean;
  maxAge?: string;
  policy: string[];
  policyInput: string[];
  sourceRef?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  key: string[];
  trustedRoot: string[];
  vsa?: string;
  vsaKey?: string;
  vsaKeyless: boolean;
  vsaSigner?: string;
  vsaVerifierId?: string;
  vsaFrom?: string;
  vsaMaxAge?: string;
  all?: boolean;
  vsaPublicKey: string[];
  vsaIdentity?: string;
  vsaIdentityRegexp?: string;
  vsaOidcIssuer?: string;
  vsaOidcIssuerRegexp?: string;
  output: OutputFormat;
}

/** The flags `verify artifact` and `verify image` share. */
export function addVerifyOptions(cmd: Command): Command {
  return cmd
    .option("--workflow <name>", "the workflow that must have produced it")
    .option("--project <name>", "the project whose workflow must have produced it")
    .option("--allow-behind", "accept runs whose contract revision is older than the latest", false)
    .option("--include-inputs", "also accept attestations naming the artifact only as an input material (default: it must be an output, a subject)", false)
    .option("--require-tlog", "each accepted attestation must have a verified transparency-log entry", false)
    .option("--require-provenance", "an accepted SLSA provenance of the artifact is required (beside its run's attestation)", false)
    .option("--max-age <duration>", "the run must have finished at most this long ago (90s, 15m, 2h, 30d)")
    .option("--policy <ref>", "policy evaluated on the attested materials: a file, builtin:NAME or a stored policy (repeatable)", collect, [])
    .option("--policy-input <name=value>", "input of the --policy policies, each taking the ones it declares (repeatable; commas stay in the value)", collect, [])
    .option("--source-ref <ref>", "the git ref the run was built from (e.g. refs/heads/main)")
    .option("--certificate-identity <san>", "certificate-signed attestations: the SAN must be exactly this")
    .option("--certificate-identity-regexp <re>", "certificate-signed attestations: the SAN must match this regexp (whole value)")
    .option("--certificate-oidc-issuer <url>", "certificate-signed attestations: the OIDC issuer must be exactly this")
    .option("--certificate-oidc-issuer-regexp <re>", "certificate-signed attestations: the OIDC issuer must match this regexp (whole value)")
    .option("-k, --key <ref>", "public key PEM file or env://VAR trusted to sign attestations, besides the organization's keys (repeatable)", collectPairs, [])
    .option("--trusted-root <file>", "Sigstore trusted_root.json to trust (repeatable); when given, only these roots are trusted", collect, [])
    .option("--all", "examine every attestation, also once one of each kind has passed (the verdict is the same)", false)
    .option("--vsa <file>", "write a signed SLSA verification summary (VSA) of the verdict to this file")
    .option("--vsa-key <ref>", "sign the VSA with this private key (cosign key file, PKCS#8 PEM or env://VAR)")
    .option("--vsa-keyless", "sign the VSA keyless: the control plane's CA with --control-plane, else the home's CA", false)
    .option("--vsa-signer <project/workflow>", "keyless VSAs: the workflow whose identity signs them")
    .option("--vsa-verifier-id <uri>", "the VSA's verifier.id (default https://cairn.dev/verify); with --vsa-from, the one required")
    .option("--vsa-from <file>", "decide from this VSA (a Sigstore bundle) instead of the store's attestations; pass the policy flags the verifier used")
    .option("--vsa-max-age <duration>", "--vsa-from: the VSA must have been issued at most this long ago (e.g. 7d)")
    .option("--vsa-public-key <ref>", "--vsa-from: a public key of the trusted verifier (repeatable)", collectPairs, [])
    .option("--vsa-identity <san>", "--vsa-from: the trusted verifier's certificate SAN, exactly")
    .option("--vsa-identity-regexp <re>", "--vsa-from: the trusted verifier's certificate SAN, as a regexp (whole value)")
    .option("--vsa-oidc-issuer <url>", "--vsa-from: the trusted verifier's OIDC issuer, exactly")
    .option("--vsa-oidc-issuer-regexp <re>", "--vsa-from: the trusted verifier's OIDC issuer, as a regexp (whole value)")
    .addOption(outputOption());
}

const nonEmpty = (v: string | undefined, flag: string): string | undefined => {
  if (v !== undefined && v.trim() === "") throw new CairnError("USAGE", `${flag} is empty`);
  return v;
};

/** The verification policy the flags describe. */
export function policyFromFlags(f: VerifyFlags): VerificationPolicySpec {
  const identity = identityFromFlags(f); // checks exclusivity and compiles the regexps (USAGE naming the flag)
  const sourceRef = nonEmpty(f.sourceRef, "--source-ref");
  if (sourceRef !== undefined && !sourceRef.startsWith("refs/")) {
    throw new CairnError("USAGE", `--source-ref ${JSON.stringify(sourceRef)} is not a full git ref`, { hint: "write refs/heads/BRANCH or refs/tags/TAG" });
  }
  f.policy.forEach((p) => nonEmpty(p, "--policy"));
  const inputs = toRecord(f.policyInput, "--policy-input");
  if (Object.keys(inputs).length > 0 && f.policy.length === 0) throw new CairnError("USAGE", "--policy-input without --policy", { hint: "name the policy with --policy" });
  return {
    ...(nonEmpty(f.workflow, "--workflow") !== undefined && { workflow: f.workflow }),
    ...(nonEmpty(f.project, "--project") !== undefined && { project: f.project }),
    ...(f.allowBehind && { allowBehind: true }),
    ...(f.includeInputs && { includeInputs: true }),
    ...(f.requireProvenance && { requireProvenance: true }),
    ...(f.requireTlog && { requireTlog: true }),
    ...(f.maxAge !== undefined && { maxAgeMs: parseDuration(f.maxAge, "--max-age") }),
    ...(f.policy.length > 0 && { policies: f.policy }),
    ...(Object.keys(inputs).length > 0 && { policyInputs: inputs }),
    ...(sourceRef !== undefined && { sourceRef }),
    ...(identity?.san !== undefined && { certificateIdentity: identity.san }),
    ...(identity?.sanRegexp !== undefined && { certificateIdentityRegexp: identity.sanRegexp }),
    ...(identity?.issuer !== undefined && { certificateOidcIssuer: identity.issuer }),
    ...(identity?.issuerRegexp !== undefined && { certificateOidcIssuerRegexp: identity.issuerRegexp }),
  };
}

/** --key and --trusted-root (else the home's roots, the Sigstore public-good one included, as `att verify`). */
export async function trustFromFlags(config: Config, f: Pick<VerifyFlags, "key" | "trustedRoot">): Promise<ArtifactTrust> {
  const { verificationKeys } = await import("../services/keys.ts");
  const { homeRoots, rootFiles } = await import("../services/trust-roots.ts");
  const keys = await verificationKeys(config, f.key);
  const roots = f.trustedRoot.length > 0 ? rootFiles(config.cwd, f.trustedRoot) : homeRoots(config.home, { publicGood: true });
  return { keys, roots };
}

/** --vsa-from's trusted verifier: its keys, or a certificate identity under the trusted roots. */
export async function vsaTrustFromFlags(config: Config, f: VerifyFlags): Promise<ArtifactTrust & { identity?: IdentityPolicy; verifierId?: string }> {
  const identity = identityFromFlags({
    certificateIdentity: f.vsaIdentity, certificateIdentityRegexp: f.vsaIdentityRegexp,
    certificateOidcIssuer: f.vsaOidcIssuer, certificateOidcIssuerRegexp: f.vsaOidcIssuerRegexp,
  });
  if (f.vsaPublicKey.length === 0 && !identity) {
    throw new CairnError("USAGE", "--vsa-from needs the verifier you trust", { hint: "pass --vsa-public-key PUB, or --vsa-identity (or --vsa-identity-regexp) with --vsa-oidc-issuer for a keyless VSA" });
  }
  const trust = await trustFromFlags(config, { key: f.vsaPublicKey, trustedRoot: f.trustedRoot });
  return { ...trust, ...(identity && { identity }), ...(f.vsaVerifierId !== undefined && { verifierId: f.vsaVerifierId }) };
}

/** Flags that only make sense together, and the ones --vsa-from replaces. */
export function checkCombinations(f: VerifyFlags): void {
  const usage = (m: string, hint?: string) => {
    throw new CairnError("USAGE", m, hint ? { hint } : {});
  };
  if ((f.vsaKey || f.vsaKeyless) && !f.vsa) usage("--vsa-key and --vsa-keyless sign the VSA written with --vsa FILE", "add --vsa FILE");
  if (f.vsaKey && f.vsaKeyless) usage("--vsa-key and --vsa-keyless exclude each other");
  if (f.vsaSigner && !f.vsaKeyless) usage("--vsa-signer names the keyless VSA signer", "add --vsa-keyless");
  if (!f.vsaFrom && (f.vsaPublicKey.length > 0 || f.vsaIdentity || f.vsaIdentityRegexp || f.vsaOidcIssuer || f.vsaOidcIssuerRegexp)) {
    usage("--vsa-public-key and --vsa-identity/--vsa-oidc-issuer say whom to trust for --vsa-from FILE", "add --vsa-from FILE");
  }
  if (f.vsaFrom && f.key.length > 0) usage("--vsa-from decides from the VSA alone: --key does not apply", "name the verifier with --vsa-public-key");
}

/** `--vsa-signer project/workflow` → the run identity a keyless VSA is certified for. */
export function vsaSigner(f: VerifyFlags): { project: string; name: string } {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(f.vsaSigner ?? "");
  if (!m) throw new CairnError("USAGE", `--vsa-signer ${JSON.stringify(f.vsaSigner ?? "")} is not PROJECT/WORKFLOW`, { hint: "keyless VSAs are certified for a workflow: e.g. --vsa-signer platform/verify" });
  return { project: m[1]!, name: m[2]! };
}
