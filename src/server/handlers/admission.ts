// `POST /api/v1/admission`: a Kubernetes validating admission webhook (AdmissionReview v1, docs/admission.md). Every
// container image of the Pod or pod template is checked against its namespace's verification policy from
// `cairn serve --admission-config`, as `cairn verify` checks an artifact (the server's store and trust). The answer is
// always an AdmissionReview (200): allowed, or denied with a message naming the image, its container and the reason.
// A malformed review is 400. The decision is audited: `ok` when allowed, `refused: POLICY_GATE|VERIFY_FAILED` when not.
import { admissionResponse, clip, describeRequest, MAX_MESSAGE, parseAdmissionReview, type AdmissionRequestInfo, type ImageUse } from "../../admission/review.ts";
import { isExempt, policyForNamespace, type AdmissionConfig } from "../../admission/config.ts";
import { CairnError, isCairnError } from "../../errors.ts";
import { parseImageRef } from "../../oci/reference.ts";
import type { VerificationPolicySpec } from "../../slsa/verification-policy.ts";
import type { ArtifactVerdict } from "../../services/verify-artifact/index.ts";
import type { RequestContext } from "../context.ts";
import { json, readJsonObject } from "../http.ts";
import type { Route } from "../router.ts";
import { serverTrust } from "./verify.ts";

/** Why one image is not admitted, or undefined when it is; `failed` says whether any attestation had a valid signature. */
interface ImageDecision {
  use: ImageUse;
  problem?: string;
  noValidAttestation?: boolean;
  /** Noticed without denying (a tag resolved to a digest): an AdmissionReview warning. */
  warning?: string;
}

async function admission(c: RequestContext): Promise<Response> {
  const config = c.admission;
  if (!config) {
    throw new CairnError("NOT_CONFIGURED", "this server has no admission configuration", { hint: "start it with `cairn serve --admission-config admission.yaml` (docs/admission.md)" });
  }
  const info = parseAdmissionReview(await readJsonObject(c.req, c.limits.maxBodyBytes));
  c.audit.target = describeRequest(info);
  const policy = policyForNamespace(config, info.namespace);
  if (info.images.length === 0 || policy === undefined) {
    const why = info.images.length === 0 ? `${describeRequest(info)} runs no container images` : `namespace ${info.namespace} is not checked`;
    return json(200, admissionResponse(info.uid, true, `cairn: ${why}`));
  }
  const decisions: ImageDecision[] = [];
  const verdicts = new Map<string, Promise<ArtifactVerdict>>(); // one verification per digest, however many containers
  for (const use of info.images) decisions.push(await decide(c, config, policy, use, verdicts));
  const denied = decisions.filter((d) => d.problem !== undefined);
  const warnings = decisions.flatMap((d) => (d.warning ? [d.warning] : []));
  if (denied.length === 0) {
    const exempt = decisions.filter((d) => isExempt(config, d.use.image)).length;
    return json(200, admissionResponse(info.uid, true, `cairn: ${info.images.length - exempt} image(s) verified${exempt ? `, ${exempt} exempt` : ""}`, { warnings }));
  }
  c.audit.outcome = `refused: ${denied.every((d) => d.noValidAttestation) ? "VERIFY_FAILED" : "POLICY_GATE"}`;
  return json(200, admissionResponse(info.uid, false, denialMessage(info, denied), { warnings }));
}

async function decide(c: RequestContext, config: AdmissionConfig, policy: VerificationPolicySpec, use: ImageUse, verdicts: Map<string, Promise<ArtifactVerdict>>): Promise<ImageDecision> {
  if (isExempt(config, use.image)) return { use };
  let digest: string;
  try {
    digest = await imageDigest(c, config, use.image);
  } catch (e) {
    if (!isCairnError(e)) throw e;
    return { use, problem: e.message, noValidAttestation: true };
  }
  const { verifyArtifactDigest } = await import("../../services/verify-artifact/index.ts");
  if (!verdicts.has(digest)) verdicts.set(digest, verifyArtifactDigest(c.deps, { digest, resourceUri: use.image, policy, trust: serverTrust(c), ...(c.scope && { scope: c.scope }), policySources: "local" }));
  const v = await verdicts.get(digest)!;
  const warning = parseImageRef(use.image).digest ? undefined : `${use.image} was checked as ${digest}; pin it by digest, the tag may move before the pull`;
  if (v.result === "PASSED") return { use, ...(warning && { warning }) };
  const reasons = [...new Set(v.considered.flatMap((a) => a.reasons))];
  const problem = v.considered.length === 0 ? `no attestation of ${digest}` : `${v.noValidAttestation ? "no valid attestation" : "no attestation passes the namespace's policy"} (${reasons.slice(0, 3).join("; ")})`;
  return { use, problem, noValidAttestation: v.noValidAttestation, ...(warning && { warning }) };
}

/**
 * A digest-pinned image needs no network. A tag is resolved at its registry only when the configuration says
 * `resolveTags: true`; never a local path (a review is attacker-shaped input: no OCI layouts on the server's disk).
 */
async function imageDigest(c: RequestContext, config: AdmissionConfig, image: string): Promise<string> {
  const ref = parseImageRef(image);
  if (ref.digest) return ref.digest;
  if (!config.resolveTags) {
    throw new CairnError("VERIFY_FAILED", "is not pinned by digest, and this server does not resolve tags", { hint: "deploy IMAGE@sha256:…, or set resolveTags: true in the admission configuration" });
  }
  const { registryOptionsFn, resolveRegistryImage } = await import("../../services/materials/registry-image.ts");
  return (await resolveRegistryImage(image, { registry: registryOptionsFn(c.deps) })).digest;
}

function denialMessage(info: AdmissionRequestInfo, denied: ImageDecision[]): string {
  const parts = denied.map((d) => `image ${d.use.image} (${d.use.path}): ${d.problem}`);
  return clip(`cairn denied ${describeRequest(info)}: ${parts.join("; ")}`, MAX_MESSAGE);
}

export const admissionRoutes: Route[] = [{ method: "POST", path: "/api/v1/admission", need: "viewer", action: "admission.review", handler: admission }];
