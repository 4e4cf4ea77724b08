import type { S3Client } from "bun";
import { CairnError } from "../../errors.ts";
import type { S3Settings } from "../cas-backend-port.ts";

/**
 * Bun's built-in S3 client for a backend's settings, with the credentials read from the environment now (they are
 * never stored). ENV_MISSING names the variable that is not set.
 */
export function s3ClientFor(s: S3Settings, env: Record<string, string | undefined>): S3Client {
  return new Bun.S3Client({
    endpoint: s.endpoint,
    region: s.region,
    bucket: s.bucket,
    accessKeyId: fromEnv(env, s.accessKeyEnv, "--access-key-env", "access key id"),
    secretAccessKey: fromEnv(env, s.secretKeyEnv, "--secret-key-env", "secret access key"),
    virtualHostedStyle: !s.pathStyle,
  });
}

function fromEnv(env: Record<string, string | undefined>, name: string, flag: string, what: string): string {
  const v = env[name];
  if (v === undefined || v === "") {
    throw new CairnError("ENV_MISSING", `the S3 ${what} is read from $${name}, which is not set`, {
      hint: `export ${name} before running cairn, or name another variable with ${flag}`,
      details: { variable: name },
    });
  }
  return v;
}
