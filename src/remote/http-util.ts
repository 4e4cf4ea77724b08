import { CairnError } from "../errors.ts";
import type { Reporter } from "../services/deps.ts";
import type { RemoteClient } from "./http-client.ts";

/** What every HTTP area implementation gets: the client, where warnings go, and the CLI's working directory. */
export interface HttpDeps {
  client: RemoteClient;
  reporter: Reporter;
  cwd: string;
}

/** A path segment: names, ids and digests are sent encoded, never as path syntax. */
export const seg = (s: string): string => encodeURIComponent(s);

/**
 * The server names a request's parts by their JSON fields ("text", "publicKey", "the request body") where the local
 * command names the flag or file they came from. Rewrites those labels in the error so both modes print the same.
 */
export async function renamingSource<T>(call: Promise<T>, rename: (text: string) => string): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (!(e instanceof CairnError)) throw e;
    throw new CairnError(e.code, rename(e.message), { hint: e.hint === undefined ? undefined : rename(e.hint), details: e.details });
  }
}
