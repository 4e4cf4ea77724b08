// Keyless signing: an ephemeral ECDSA P-256 key that lives in memory for one signature, certified by a CA for the
// caller's identity, and a timestamp over the signature from a TSA so the short-lived certificate can be checked at
// the time it signed. The private key never leaves this object.
import { generateKeyPairSync, sign as cryptoSign } from "node:crypto";
import type { Signature, Signer } from "@sigstore/sign";
import type { SignatureBundle, VerificationMaterial, Witness } from "@sigstore/sign/dist/witness/witness.js";
import { CairnError } from "../errors.ts";
import type { CertificateIssuer, TimestampAuthority } from "./authorities.ts";

/** A sigstore-js Signer: one fresh key pair per signature, certified just before it signs. */
export class EphemeralCertificateSigner implements Signer {
  constructor(private readonly issuer: CertificateIssuer) {}

  async sign(data: Buffer): Promise<Signature> {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const chain = await this.issuer.issue(publicPem, (subject) => cryptoSign("sha256", Buffer.from(subject, "utf8"), privateKey));
    const leaf = chain[0];
    if (!leaf) throw new CairnError("VERIFY_FAILED", `${this.issuer.name} answered without a certificate`);
    return { signature: cryptoSign("sha256", data, privateKey), key: { $case: "x509Certificate", certificate: leaf } };
  }
}

/** A sigstore-js Witness: an RFC 3161 timestamp over the bundle's signature bytes (DSSE sig or message signature). */
export class TimestampWitness implements Witness {
  constructor(private readonly tsa: TimestampAuthority) {}

  async testify(content: SignatureBundle): Promise<VerificationMaterial> {
    const signature = content.$case === "dsseEnvelope" ? content.dsseEnvelope.signatures[0]!.sig : content.messageSignature.signature;
    const signedTimestamp = Buffer.from(await this.tsa.timestamp(signature));
    return { rfc3161Timestamps: [{ signedTimestamp }] };
  }
}
