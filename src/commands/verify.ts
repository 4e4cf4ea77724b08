import { Command } from "commander";
import { createReadStream, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { Config } from "../config.ts";
import { CairnError } from "../errors.ts";
import type { ArtifactVerdict } from "../services/verify-artifact/types.ts";
import type { VerificationPolicySpec } from "../slsa/verification-policy.ts";
import { cliReporter } from "../cli/io.ts";
import { configFor, print, withApp } from "./shared.ts";
import { addVerifyOptions, checkCombinations, policyFromFlags, trustFromFlags, vsaSigner, vsaTrustFromFlags, type VerifyFlags } from "./verify-flags.ts";
import { verdictError, verdictTable } from "./verify-output.ts";

interface ArtifactFlags extends VerifyFlags {
  resourceUri?: string;
}

/** `cairn verify artifact|image`: one command at the point of use (exit 0 pass, 1 no valid attestation, 4 policy failed). */
export function verifyCommand(): Command {
  const cmd = new Command("verify").description("verify an artifact or image against a policy: its attestations in the store (signature, run, contract, policies), or a VSA");
  cmd.addCommand(
    addVerifyOptions(
      new Command("artifact")
        .description("verify a file (or sha256:HEX digest): exit 0 passed, 1 no valid attestation, 4 the policy failed")
        .argument("<file|digest>", "the artifact file, or its sha256:<hex> digest")
        .option("--resource-uri <uri>", "the resource URI the verdict (and VSA) names; default the argument as given"),
    ).action(async (target: string, opts: ArtifactFlags, c: Command) => {
      const config = configFor(c);
      const subject = await artifactDigest(config, target);
      await run(c, opts, { name: target, digest: subject, resourceUri: opts.resourceUri ?? target });
    }),
  );
  cmd.addCommand(
    addVerifyOptions(
      new Command("image")
        .description("verify a container image (registry reference or OCI layout directory), also with the bundles attached to it as OCI referrers")
        .argument("<ref>", "HOST/REPO[:TAG][@sha256:…], or an OCI image-layout directory"),
    ).action(async (ref: string, opts: VerifyFlags, c: Command) => {
      await run(c, opts, { name: ref, image: ref });
    }),
  );
  return cmd;
}

interface Target {
  /** The argument as given: the VSA subject's name. */
  name: string;
  digest?: string;
  resourceUri?: string;
  /** `verify image`: resolved by the service (or here, for a VSA or a control plane). */
  image?: string;
}

async function run(cmd: Command, opts: VerifyFlags, target: Target): Promise<void> {
  checkCombinations(opts);
  const policy = policyFromFlags(opts);
  const config = configFor(cmd);
  if (opts.vsa && !opts.vsaKey && !opts.vsaKeyless) throw new CairnError("USAGE", "--vsa FILE needs a signer", { hint: "add --vsa-key KEY, or --vsa-keyless with --vsa-signer PROJECT/WORKFLOW" });
  let verdict: ArtifactVerdict;
  if (opts.vsaFrom) verdict = await fromVsa(config, opts, policy, await resolved(config, target));
  else if (config.remote) verdict = await remote(config, opts, policy, await resolved(config, target));
  else {
    const trust = await trustFromFlags(config, opts);
    verdict = await withApp(cmd, async (app) => {
      const svc = await import("../services/verify-artifact/index.ts");
      const exhaustive = opts.all === true ? { exhaustive: true } : {};
      if (target.image) return svc.verifyImage(app, target.image, { policy, trust, ...exhaustive });
      return svc.verifyArtifactDigest(app, { digest: target.digest!, resourceUri: target.resourceUri!, policy, trust, ...exhaustive });
    });
  }
  const vsa = opts.vsa ? await writeVsa(config, opts, policy, verdict, target.name) : undefined;
  print(opts.output, { ...verdict, ...(vsa && { vsa }) }, () => verdictTable(verdict) + (vsa ? `\nVSA written to ${vsa}` : ""));
  const err = verdictError(verdict);
  if (err) throw err;
}

/** The digest and resource URI of the target, resolving an image here (no store needed). */
async function resolved(config: Config, t: Target): Promise<{ digest: string; resourceUri: string }> {
  if (!t.image) return { digest: t.digest!, resourceUri: t.resourceUri! };
  const { resolveImage } = await import("../services/verify-artifact/image.ts");
  return resolveImage({ config }, t.image);
}

async function fromVsa(config: Config, opts: VerifyFlags, policy: VerificationPolicySpec, t: { digest: string; resourceUri: string }): Promise<ArtifactVerdict> {
  const trust = await vsaTrustFromFlags(config, opts);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(resolve(config.cwd, opts.vsaFrom!));
  } catch {
    throw new CairnError("NOT_FOUND", `--vsa-from ${opts.vsaFrom}: the file does not exist or cannot be read`);
  }
  const { verifyVsa } = await import("../services/verify-artifact/vsa.ts");
  const { parseDuration } = await import("../config.ts");
  const maxAgeMs = opts.vsaMaxAge === undefined ? undefined : parseDuration(opts.vsaMaxAge, "--vsa-max-age");
  const { clockFromEnv, systemClock } = await import("../context.ts");
  const now = (clockFromEnv(config) ?? systemClock).now();
  return verifyVsa({ bytes, digest: t.digest, resourceUri: t.resourceUri, policy, trust, now, ...(maxAgeMs !== undefined && { maxAgeMs }) });
}

async function remote(config: Config, opts: VerifyFlags, policy: VerificationPolicySpec, t: { digest: string; resourceUri: string }): Promise<ArtifactVerdict> {
  if (opts.key.length > 0 || opts.trustedRoot.length > 0) {
    throw new CairnError("USAGE", "with --control-plane the server verifies with its own keys and trusted roots: --key and --trusted-root do not apply", {
      hint: "register the key in the organization (`cairn org key add`), or verify locally without --control-plane",
    });
  }
  const { RemoteClient } = await import("../remote/http-client.ts");
  const { remoteVerify } = await import("../remote/http-verify.ts");
  const reporter = cliReporter(config.interactive);
  return remoteVerify(new RemoteClient(config.remote!), { digest: t.digest, resourceUri: t.resourceUri, policy }, (m) => reporter.warn(m));
}

async function writeVsa(config: Config, opts: VerifyFlags, policy: VerificationPolicySpec, verdict: ArtifactVerdict, name: string): Promise<string> {
  const { chooseSigning, signingMethod } = await import("./attestation/signing.ts");
  const choice = chooseSigning({ ...(opts.vsaKey && { key: opts.vsaKey }), keyless: opts.vsaKeyless }, config);
  const signer = opts.vsaKeyless ? vsaSigner(opts) : { project: "-", name: "-" };
  const method = await signingMethod(choice, config, signer);
  const { issueVsa } = await import("../services/verify-artifact/vsa.ts");
  const { clockFromEnv, systemClock } = await import("../context.ts");
  const { VERSION } = await import("../version.ts");
  const bytes = await issueVsa({ verdict, policy, subjectName: name, method, verifierVersion: VERSION, now: (clockFromEnv(config) ?? systemClock).now(), ...(opts.vsaVerifierId && { verifierId: opts.vsaVerifierId }) });
  const { writeFileAtomic } = await import("../services/atomic-file.ts");
  const path = resolve(config.cwd, opts.vsa!);
  writeFileAtomic(path, bytes, 0o644);
  return path;
}

/** sha256:HEX given as is (lower-cased), else the file's digest, streamed. */
async function artifactDigest(config: Config, target: string): Promise<string> {
  if (/^sha256:[0-9a-fA-F]{64}$/.test(target)) return target.toLowerCase();
  if (/^sha256:/i.test(target)) throw new CairnError("USAGE", `${JSON.stringify(target)} is not sha256:<64 hex digits>`);
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(resolve(config.cwd, target))) hash.update(chunk as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CairnError(code === "ENOENT" ? "NOT_FOUND" : "IO", `artifact ${target} ${code === "ENOENT" ? "does not exist" : "cannot be read"}`, { hint: "pass a file, or its digest as sha256:<hex>" });
  }
  return `sha256:${hash.digest("hex")}`;
}
