// The signature of an ATTESTATION or SLSA_PROVENANCE material, checked when `att add` records it (the crafter only
// checks the shape: it holds no trust material). Trusted here: the home's roots (the Sigstore public-good root, the
// home's CA, added trust roots). A verified signer is recorded as annotations; an unknown signer (a CA in no trusted
// root, or a key-signed bundle, since no keys are known on the machine that crafts) is a warning; a signer that is
// known but whose check fails (altered payload, no verified time, bad proof) is an error: that is forged evidence.
import { CairnError, isCairnError } from "../../errors.ts";
import { SIGNATURE_ANNOTATIONS } from "../../crafter/materials/kind.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import type { Evaluated } from "./evaluate.ts";

export const SIGNED_KINDS: readonly string[] = ["ATTESTATION", "SLSA_PROVENANCE"];


// Reasons that mean "no trust material for this signer", not "the signature is bad".
const UNKNOWN_SIGNER = [/^untrusted CA: the certificate was issued by /, /no public key was given/, /carries no certificate: it can only be checked with the signer's public key/, /^signature mismatch: none of the /];

/** The material with its signature outcome as annotations (and a warning for an unknown signer). */
export async function checkMaterialSignature(ev: Evaluated, trust: () => Promise<TrustPolicy>): Promise<Evaluated> {
  if (!SIGNED_KINDS.includes(ev.kind.kind) || ev.bytes === undefined) return ev;
  const { verifyBundle } = await import("../../trust/verifier.ts"); // sigstore libraries: loaded only for these kinds
  const [verified, signer, issuer, root] = SIGNATURE_ANNOTATIONS;
  try {
    const v = verifyBundle(ev.bytes, await trust());
    const s = v.signer;
    const annotations: Record<string, string> = { ...ev.annotations, [verified]: "true" };
    if (s.kind === "key") annotations[signer] = `key ${s.keyId}`;
    else {
      annotations[signer] = s.san;
      if (s.issuer) annotations[issuer] = s.issuer;
      annotations[root] = s.root;
    }
    return { ...ev, annotations };
  } catch (e) {
    if (!isCairnError(e, "VERIFY_FAILED")) throw e;
    if (UNKNOWN_SIGNER.some((re) => re.test(e.message))) {
      return { ...ev, annotations: { ...ev.annotations, [verified]: "false" }, warnings: [...ev.warnings, `signature not verified, unknown signer: ${e.message}`] };
    }
    throw new CairnError("MATERIAL_INVALID", `${ev.value}: the ${ev.kind.kind} signature does not verify: ${e.message}`, {
      hint: "its signer is trusted here, so the file was altered or its certificate, timestamps or log entries are wrong; attach the original",
    });
  }
}
