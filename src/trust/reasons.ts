// One-line reasons for @sigstore/verify's failures, naming what failed (the library's own messages are terse and
// say nothing of which root, log or time was involved).
import { PolicyError, VerificationError } from "@sigstore/verify";
import type { CheckedTimestamp } from "./authorities.ts";

/** What a reason can mention about the attempt that failed. */
export interface FailureContext {
  root: string;
  timestamps: CheckedTimestamp[];
  /** Timestamps and log entries left out because their authority is in no trusted root. */
  ignored: number;
  leaf?: { notBefore: Date; notAfter: Date };
  /** For key-signed bundles: the signature was tried with every given key. */
  keyCount?: number;
}

interface LibError {
  code?: string;
  message?: string;
  cause?: { message?: string };
}

/** The reason for an error thrown by Verifier.verify, or undefined when it is not one of the library's. */
export function reasonFor(e: unknown, ctx: FailureContext): string | undefined {
  if (!(e instanceof VerificationError) && !(e instanceof PolicyError)) return undefined;
  const { code, message = "", cause } = e as LibError;
  const at = ctx.timestamps.map(describe).join("; ");
  switch (code) {
    case "TIMESTAMP_ERROR":
      if (/^expected \d+ timestamps/.test(message)) {
        const extra = ctx.ignored > 0 ? `; ${ctx.ignored} timestamp(s)/log entries came from authorities in no trusted root` : "";
        return `no verified time: the bundle carries no RFC 3161 timestamp or transparency-log time from an authority of trusted root ${ctx.root} (a certificate needs one inside its validity)${extra}`;
      }
      if (message === "duplicate timestamp") return "the bundle carries the same timestamp twice";
      return `bad RFC 3161 timestamp: a timestamp from a TSA of trusted root ${ctx.root} does not verify (signature, message imprint or TSA chain at its time)`;
    case "CERTIFICATE_ERROR":
      return certificateReason(message, cause?.message, ctx, at);
    case "TLOG_INCLUSION_PROOF_ERROR":
      if (/checkpoint/.test(message)) return `bad checkpoint signature: the transparency-log checkpoint does not verify with a log key of trusted root ${ctx.root} (${message})`;
      return `bad inclusion proof: ${message}`;
    case "TLOG_INCLUSION_PROMISE_ERROR":
      return `bad inclusion promise: the signed entry timestamp does not verify with a log key of trusted root ${ctx.root}`;
    case "TLOG_MISSING_INCLUSION_ERROR":
      return "transparency-log entry has neither an inclusion promise nor an inclusion proof";
    case "TLOG_BODY_ERROR":
      return `transparency-log entry does not match the bundle: ${message}`;
    case "TLOG_ERROR":
      if (/^expected \d+ tlog entries/.test(message)) return `no transparency-log entry from a log of trusted root ${ctx.root} (that root requires one)`;
      return `transparency log: ${message}`;
    case "SIGNATURE_ERROR":
      return ctx.keyCount !== undefined
        ? `signature mismatch: none of the ${ctx.keyCount} given key(s) verifies the bundle signature (wrong key, or the payload or signature was altered)`
        : "signature mismatch: the signature does not verify with the certificate's key (the payload or signature was altered)";
    case "PUBLIC_KEY_ERROR":
      return `public key: ${message}`;
    default:
      return `${code ?? "verification"}: ${message}`;
  }
}

function certificateReason(message: string, causeMessage: string | undefined, ctx: FailureContext, at: string): string {
  if (/SCT/.test(message)) return `certificate carries no valid SCT from a CT log of trusted root ${ctx.root} (${message})`;
  if (causeMessage === "certificate is not valid or expired at the specified date") {
    const leaf = ctx.leaf;
    const t = ctx.timestamps.find((x) => leaf && (x.time < leaf.notBefore || x.time > leaf.notAfter));
    if (leaf && t) {
      const state = t.time > leaf.notAfter ? "expired" : "not yet valid";
      return `certificate ${state} at the signing time: valid ${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}, signed at ${describe(t)}`;
    }
    return `a CA certificate on the chain to trusted root ${ctx.root} was not valid at the signing time (${at})`;
  }
  if (causeMessage === undefined) return `untrusted CA: no certificate authority of trusted root ${ctx.root} was valid at the signing time (${at})`;
  return `untrusted CA: the certificate chain to trusted root ${ctx.root} does not verify (${causeMessage})`;
}

/** `2026-… (rfc3161, TSA-NAME)` */
export function describe(t: CheckedTimestamp): string {
  return `${t.time.toISOString()} (${t.source === "rfc3161" ? "RFC 3161 timestamp from" : "transparency log"} ${t.authority})`;
}
