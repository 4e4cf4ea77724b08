// The control plane as the CertificateIssuer of a keyless push: the API token is exchanged for a short-lived OIDC
// identity token naming the workflow (POST /api/v1/identity-token), and that token plus a proof of possession buys a
// certificate at Fulcio's POST /api/v2/signingCert (the request sigstore-js sends, so any Fulcio answers it too).
import { CairnError } from "../errors.ts";
import type { CertificateIssuer } from "../signing/authorities.ts";
import type { RemoteClient } from "./http-client.ts";

interface IdentityToken {
  token: string;
  subject: string;
}

interface SigningCertResponse {
  signedCertificateDetachedSct?: { chain?: { certificates?: string[] } };
  signedCertificateEmbeddedSct?: { chain?: { certificates?: string[] } };
}

/** `workflow` is `project/name`: the run's workflow, which the identity token (and so the certificate) will name. */
export function controlPlaneIssuer(client: RemoteClient, workflow: string): CertificateIssuer {
  return {
    name: client.config.url,
    async issue(publicKeyPem, prove) {
      const id = await client.json<IdentityToken>("POST", "/api/v1/identity-token", { body: { workflow } });
      const proofOfPossession = Buffer.from(prove(id.subject)).toString("base64");
      const body = { credentials: { oidcIdentityToken: id.token }, publicKeyRequest: { publicKey: { algorithm: "ECDSA", content: publicKeyPem }, proofOfPossession } };
      const res = await client.json<SigningCertResponse>("POST", "/api/v2/signingCert", { body });
      const chain = (res.signedCertificateDetachedSct ?? res.signedCertificateEmbeddedSct)?.chain?.certificates;
      if (!Array.isArray(chain) || chain.length === 0 || !chain.every((c) => typeof c === "string" && c.includes("BEGIN CERTIFICATE"))) {
        throw new CairnError("IO", `${client.config.url} answered /api/v2/signingCert without a certificate chain`, { hint: "check that --control-plane points at a `cairn serve` with a CA" });
      }
      return chain;
    },
  };
}
