import { Command } from "commander";
import { io } from "../../cli/io.ts";
import { renderTable } from "../../cli/table.ts";
import { configFor, collectPairs, outputOption, print, type OutputFormat } from "../shared.ts";
import { CairnError } from "../../errors.ts";
import { digestFromFlag, identityFromFlags } from "../../trust/policy.ts";
import type { VerifyResult } from "../../services/verify.ts";

interface VerifyOpts {
  bundle: string;
  key: string[];
  trustedRoot: string[];
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  digest?: string;
  subject: string[];
  artifact: string[];
  predicateType?: string;
  requireTlog: boolean;
  output: OutputFormat;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function verifyCommand(): Command {
  return new Command("verify")
    .description("verify a Sigstore bundle (or bare DSSE envelope) offline: key- or certificate-signed, with its timestamps and log entries, then predicate type and subjects")
    .requiredOption("-b, --bundle <file>", "Sigstore bundle v0.1-v0.3 (or bare DSSE envelope) JSON")
    .option("-k, --key <ref>", "public key PEM file or env://VAR (repeatable: any of them may have signed)", collectPairs, [])
    .option("--trusted-root <file>", "Sigstore trusted_root.json to trust (repeatable); when given, only these roots (and --key) are trusted", collect, [])
    .option("--certificate-identity <san>", "require the certificate's SAN to be exactly this")
    .option("--certificate-identity-regexp <re>", "require the certificate's SAN to match this regexp (whole value)")
    .option("--certificate-oidc-issuer <url>", "require the certificate's OIDC issuer to be exactly this")
    .option("--certificate-oidc-issuer-regexp <re>", "require the certificate's OIDC issuer to match this regexp (whole value)")
    .option("--digest <sha256:hex>", "require this digest: a subject's (DSSE) or the signed message's (message signature)")
    .option("--subject <name=sha256:hex>", "require this subject (repeatable)", collectPairs, [])
    .option("--artifact <file>", "require this file's sha256 among the subjects (repeatable); for a message signature, the signed file", collectPairs, [])
    .option("--require-tlog", "fail unless the bundle has a verified entry in a trusted transparency log", false)
    .option("--predicate-type <uri>", "expected predicate type, or `any` (default: cairn's)")
    .addOption(outputOption())
    .action(async (opts: VerifyOpts, cmd: Command) => {
      const config = configFor(cmd);
      // Flags become the typed policy here, once; bad values are USAGE errors naming the flag.
      const identity = identityFromFlags(opts);
      const digest = digestFromFlag(opts.digest);
      const subjects = opts.subject.map((s) => {
        const i = s.indexOf("=");
        if (i <= 0 || !/^sha256:[0-9a-f]{64}$/.test(s.slice(i + 1))) {
          throw new CairnError("USAGE", `--subject ${JSON.stringify(s)} is not NAME=sha256:<hex>`);
        }
        return { name: s.slice(0, i), digest: s.slice(i + 1) };
      });
      const { verificationKeys } = await import("../../services/keys.ts");
      const { verifyAttestation } = await import("../../services/verify.ts");
      const keys = await verificationKeys(config, opts.key);
      const r = await verifyAttestation({
        bundlePath: opts.bundle, keys, trustedRoots: opts.trustedRoot, home: config.home,
        ...(identity && { identity }), ...(digest && { digest }),
        subjects, artifacts: opts.artifact, predicateType: opts.predicateType, cwd: config.cwd, requireTlog: opts.requireTlog,
      });
      if (r.signer.kind === "certificate" && !r.identityRequired) {
        io.err(`WRN no identity was required: any identity certified by a CA of trusted root ${r.signer.root} verifies; this one is ${r.signer.san} (issuer ${r.signer.issuer ?? "none"})`);
      }
      print(opts.output, r, () => renderTable({ rows: resultRows(r) }));
    });
}

/** The table: what verified, who signed (and whether an identity was required), every time and log entry checked. */
export function resultRows(r: VerifyResult): string[][] {
  const s = r.signer;
  const signer: string[][] =
    s.kind === "key"
      ? [["Signed By (key id)", s.keyId]]
      : [
          ["Signed By (identity)", s.san || "(no SAN)"],
          ["OIDC Issuer", s.issuer ?? "(none)"],
          ["Certificate CA", s.caSubject],
          ["Trusted Root", s.root],
          ["Certificate Valid", `${s.notBefore.toISOString()} to ${s.notAfter.toISOString()}`],
          ["Identity Policy", r.identityRequired ? "checked" : "none required (pass --certificate-identity and --certificate-oidc-issuer to pin the signer)"],
        ];
  return [
    ["Verified", "OK"],
    ["Bundle Digest", r.bundleDigest],
    ...signer,
    ...r.timestamps.map((t) => ["Timestamp", `${t.time.toISOString()} ${t.source === "rfc3161" ? "RFC 3161" : "tlog"} ${t.authority} (root ${t.root})`]),
    ...r.tlogEntries.map((e) => ["Tlog Entry", `${e.authority} index ${e.logIndex} (${e.kind}, root ${e.root})`]),
    ...(r.kind === "message" ? [["Message Digest", r.messageDigest ?? ""]] : [["Predicate Type", r.predicateType ?? ""], ["Subjects", r.subjects.map((x) => x.name ?? "_").join(", ")]]),
    ...r.checked.map((c) => ["Checked", c]),
  ];
}
