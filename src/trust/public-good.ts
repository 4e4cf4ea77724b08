// The Sigstore public-good trusted root, as shipped inside the kept package @sigstore/tuf (its seeds.json is the TUF
// repository snapshot sigstore-js starts from). Imported, so `bun build --compile` embeds it: public keyless bundles
// verify with no network. Refreshing it means upgrading @sigstore/tuf.
import seeds from "@sigstore/tuf/seeds.json" with { type: "json" };
import type { NamedRoot } from "./trusted-root.ts";

/** The name the verifier reports for this root. */
export const PUBLIC_GOOD_NAME = "sigstore-public-good";
const REPO = "https://tuf-repo-cdn.sigstore.dev";

let cached: NamedRoot | undefined;

/** The embedded public-good trusted root (decoded once). */
export function publicGoodRoot(): NamedRoot {
  if (!cached) {
    const b64 = (seeds as Record<string, { targets: Record<string, string> }>)[REPO]?.targets["trusted_root.json"];
    if (!b64) throw new Error(`@sigstore/tuf seeds.json has no trusted_root.json for ${REPO}`);
    cached = { name: PUBLIC_GOOD_NAME, json: JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as object };
  }
  return cached;
}
