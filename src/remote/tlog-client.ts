// The control plane's transparency log as the TransparencyLogWriter of a push: Rekor v2's POST /api/v2/log/entries,
// with the pushing API token (an attestor may write). A server without a log answers 501: the push goes unlogged.
import { CairnError } from "../errors.ts";
import type { TransparencyLogWriter } from "../signing/authorities.ts";
import type { RemoteClient } from "./http-client.ts";

export function controlPlaneLog(client: RemoteClient): TransparencyLogWriter {
  return {
    name: `${client.config.url}/api/v2/log/entries`,
    async append(request) {
      try {
        return await client.json<Record<string, unknown>>("POST", "/api/v2/log/entries", { body: request });
      } catch (e) {
        if (e instanceof CairnError && e.code === "NOT_CONFIGURED") return undefined;
        throw e;
      }
    },
  };
}
