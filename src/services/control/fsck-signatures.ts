import type { KeyObject } from "node:crypto";
import { isCairnError } from "../../errors.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import type { ServiceDeps } from "../deps.ts";

/** Why a stored bundle failed: VERIFY_FAILED is a bad signature; anything else (NOT_FOUND, INTEGRITY…) an unreadable one. */
export type BundleCheck = { ok: true } | { ok: false; signature: boolean; reason: string };

/**
 * Verifies stored bundles the way a verified push accepted them: with the live registered keys of the bundle's
 * organization, the extra `--key` keys, and the home's trusted roots (its CA, added roots; not the public-good root:
 * a store's trust is its own). One policy per organization, built on first use; the sigstore libraries are loaded
 * only when a bundle is checked.
 */
export function bundleChecker(deps: ServiceDeps, extraKeys: KeyObject[]): (digest: string, orgId: string | undefined) => Promise<BundleCheck> {
  const policies = new Map<string, Promise<TrustPolicy>>();
  let roots: TrustPolicy["roots"] | undefined;
  const policy = async (orgId: string | undefined): Promise<TrustPolicy> => {
    const { verificationKeys } = await import("./org-keys.ts");
    roots ??= (await import("../trust-roots.ts")).homeRoots(deps.config.home, { publicGood: false });
    return { keys: [...(await verificationKeys(deps, orgId)).map((k) => k.key), ...extraKeys], roots };
  };
  return async (digest, orgId) => {
    const key = orgId ?? "";
    let p = policies.get(key);
    if (!p) policies.set(key, (p = policy(orgId)));
    const { verifyBundle } = await import("../../trust/verifier.ts");
    try {
      verifyBundle(await deps.blobs.read(digest), await p);
      return { ok: true };
    } catch (e) {
      if (!isCairnError(e)) throw e;
      return { ok: false, signature: e.code === "VERIFY_FAILED", reason: e.message };
    }
  };
}
