import { CairnError } from "../../errors.ts";
import type { CasBackendRecord } from "../cas-backend-port.ts";
import { S3BlobStore } from "./s3-blob-store.ts";
import { s3ClientFor } from "./s3-client.ts";

/** What an S3 backend needs from the composition root: the environment (credentials) and a staging dir under the home. */
export interface S3StoreDeps {
  env: Record<string, string | undefined>;
  /** The home's cas/tmp: on the same disk as the CAS, swept by `store gc`. */
  stagingDir: string;
}

/** The BlobStore of a stored S3 backend; its client, and so its credentials, are made on first use. */
export function s3Store(b: CasBackendRecord, deps: S3StoreDeps | undefined): S3BlobStore {
  const settings = b.s3;
  if (!settings || !deps) {
    throw new CairnError("STORE_INVALID", `CAS backend ${b.name} (${b.location}) is an S3 backend without its settings`, {
      hint: `remove it (\`cairn cas-backend remove ${b.name}\`) and add it again with \`cairn cas-backend add s3\``,
    });
  }
  return new S3BlobStore({ settings, makeClient: () => s3ClientFor(settings, deps.env), stagingDir: deps.stagingDir, label: `${b.name} (${b.location})` });
}
