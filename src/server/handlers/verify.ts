// `POST /api/v1/verify`: `cairn verify artifact`'s decision for deploy scripts — the same inputs and the same answer
// (an ArtifactVerdict, 200 whether it PASSED or FAILED; the caller decides). `viewer` suffices; a scoped token sees
// only its scope's attestations. Policies are builtin:NAME or names of the policy store, never server files; identity
// pins are exact values (no regexps: a caller's pattern would run on the server's one thread).
import { parseVerificationPolicy } from "../../admission/config.ts";
import { CairnError } from "../../errors.ts";
import type { VerificationPolicySpec } from "../../slsa/verification-policy.ts";
import { homeRoots } from "../../services/trust-roots.ts";
import type { ArtifactTrust } from "../../services/verify-artifact/index.ts";
import type { RequestContext } from "../context.ts";
import { json, readJsonObject } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";
import { cachedVerdict, rememberVerdict, verdictKey } from "./verify-cache.ts";
import { BoundedMap } from "../../services/bounded-map.ts";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** What the server trusts for stored attestations: the organization's live keys (added by the service) and its home's roots. */
export function serverTrust(c: RequestContext): ArtifactTrust {
  return { keys: [], roots: homeRoots(c.deps.config.home, { publicGood: false }) };
}

/** Parsed policies by their text: deploy scripts send the same few policies with every request. */
const policies = new BoundedMap<string, VerificationPolicySpec>(256);
function servedPolicy(text: string): VerificationPolicySpec {
  const p = policies.getOrMake(text, () => parseVerificationPolicy(text, "the request's policy", { regexps: false }));
  return structuredClone(p);
}

async function verify(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["digest", "resourceUri", "policy"]);
  if (typeof b.digest !== "string" || !DIGEST.test(b.digest)) {
    throw new CairnError("USAGE", "field digest must be sha256:<64 lowercase hex>", { hint: "the artifact's digest, e.g. from `sha256sum`" });
  }
  if (b.resourceUri !== undefined && (typeof b.resourceUri !== "string" || b.resourceUri.length === 0 || b.resourceUri.length > 2048)) {
    throw new CairnError("USAGE", "field resourceUri must be a non-empty string of at most 2048 characters");
  }
  if (b.policy !== undefined && (typeof b.policy !== "object" || b.policy === null || Array.isArray(b.policy))) {
    throw new CairnError("USAGE", "field policy must be an object (the fields of a verification policy, docs/verify.md)");
  }
  const policyText = JSON.stringify(b.policy ?? {});
  const policy = servedPolicy(policyText);
  c.audit.target = `artifact ${b.digest}`;
  const resourceUri = typeof b.resourceUri === "string" ? b.resourceUri : b.digest;
  const trust = serverTrust(c);
  const now = Date.now();
  const key = await verdictKey(c, JSON.stringify([b.digest, resourceUri, policyText]), trust.roots);
  const hit = cachedVerdict(key, now);
  if (hit) return json(200, hit);
  const { verifyArtifactDigest } = await import("../../services/verify-artifact/index.ts");
  const verdict = await verifyArtifactDigest(c.deps, { digest: b.digest, resourceUri, policy, trust, ...(c.scope && { scope: c.scope }), policySources: "served" });
  rememberVerdict(key, now, verdict);
  return json(200, verdict);
}

export const verifyRoutes: Route[] = [{ method: "POST", path: "/api/v1/verify", need: "viewer", action: "verify", safe: true, handler: verify }];
