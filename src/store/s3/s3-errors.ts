import { CairnError, isCairnError } from "../../errors.ts";
import type { S3Settings } from "../cas-backend-port.ts";

/** Codes S3 servers send for a wrong key id or secret (AWS, MinIO, Swift's s3api). */
const AUTH = new Set(["SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed"]);
/** Bun's S3Client reports these without an answer from the server. */
const UNREACHABLE = new Set(["ConnectionRefused", "ConnectionClosed", "ConnectionTimedOut", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "FailedToOpenSocket"]);

export const s3Code = (e: unknown): string | undefined => (e as { code?: unknown } | undefined)?.code as string | undefined;

/**
 * An S3Client failure as a CairnError naming the backend and the fix: wrong credentials name the two variables (never
 * their values), a missing bucket names --bucket, an unreachable server --endpoint. NoSuchKey is the caller's business.
 */
export function s3Failure(e: unknown, s: S3Settings, what: string): CairnError {
  if (isCairnError(e)) return e;
  const code = s3Code(e) ?? "";
  const message = (e as Error)?.message ?? String(e);
  const where = `S3 bucket ${s.bucket} at ${s.endpoint}`;
  const details = { bucket: s.bucket, endpoint: s.endpoint, s3Code: code };
  if (AUTH.has(code)) {
    return new CairnError("UNAUTHENTICATED", `${where} refused ${what} (403 ${code}): the access key in $${s.accessKeyEnv} or the secret in $${s.secretKeyEnv} is wrong, or lacks rights on the bucket`, {
      hint: `export the right values in ${s.accessKeyEnv} and ${s.secretKeyEnv} (or name other variables with --access-key-env / --secret-key-env)`,
      details,
      cause: e,
    });
  }
  if (code === "NoSuchBucket") {
    return new CairnError("NOT_FOUND", `${where}: the bucket does not exist (${what})`, { hint: "create the bucket first, or fix --bucket", details, cause: e });
  }
  if (UNREACHABLE.has(code) || /connect|socket|timed? ?out|DNS/i.test(message)) {
    return new CairnError("NETWORK", `${where} could not be reached (${what}: ${code || message})`, { hint: "check --endpoint (scheme, host and port) and that the server runs", details, cause: e });
  }
  return new CairnError("NETWORK", `${where}: ${what} failed: ${code ? `${code}: ` : ""}${message}`, {
    hint: "check --endpoint, --region and --path-style against the server's settings",
    details,
    cause: e,
  });
}
