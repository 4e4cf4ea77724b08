// Signing an in-toto Statement into a Sigstore bundle v0.3 (DSSE envelope): with a local key, or keyless (an
// ephemeral key certified by a CA, keyless.ts); RFC 3161 timestamps when a TSA is given. A control plane with a
// transparency log adds the entry when the bundle is pushed. Nothing here touches the network unless an authority
// adapter does.
import { KeyObject, sign as cryptoSign } from "node:crypto";
import { bundleToJSON } from "@sigstore/bundle";
import type { Signature, Signer } from "@sigstore/sign";
// Deep import on purpose: the package root also loads the Fulcio/Rekor HTTP stack (make-fetch-happen, iconv-lite,
// socks, ~1 MB) that an offline signer never uses, and every byte of the bundle costs start-up time.
import { DSSEBundleBuilder } from "@sigstore/sign/dist/bundler/dsse.js";
import { CairnError } from "../errors.ts";
import type { CertificateIssuer, TimestampAuthority } from "./authorities.ts";
import { EphemeralCertificateSigner, TimestampWitness } from "./keyless.ts";
import { keyId, keyKind, publicKeyPem } from "./keys.ts";

/** payloadType of every envelope cairn signs. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/**
 * A sigstore-js Signer backed by a local node:crypto key. ECDSA P-256 signs SHA-256 with a DER
 * signature (what cosign, sigstore-go and sigstore-js verify); Ed25519 is pure Ed25519 over the
 * PAE (cosign uses the pure variant for DSSE, Ed25519ph only for hashedrekord).
 */
export class LocalKeySigner implements Signer {
  readonly #key: KeyObject;
  readonly #hash: string | null;
  readonly #publicPem: string;
  readonly #hint: string;

  constructor(privateKey: KeyObject) {
    if (privateKey.type !== "private") {
      throw new CairnError("KEY_INVALID", "signing needs a private key, got a public key");
    }
    this.#key = privateKey;
    this.#hash = keyKind(privateKey) === "ed25519" ? null : "sha256";
    this.#publicPem = publicKeyPem(privateKey);
    this.#hint = keyId(privateKey);
  }

  async sign(data: Buffer): Promise<Signature> {
    const signature = cryptoSign(this.#hash, data, this.#key);
    return { signature, key: { $case: "publicKey", publicKey: this.#publicPem, hint: this.#hint } };
  }
}

/** How a statement is signed: a private key, or a CA certifying an ephemeral key; optionally timestamped. */
export type SigningMethod = ({ key: KeyObject } | { issuer: CertificateIssuer }) & { tsa?: TimestampAuthority };

/**
 * Signs `payload` (the serialized Statement; signed byte-for-byte) and returns the Sigstore bundle JSON bytes.
 * With a key, the bundle's publicKey.hint and the DSSE keyid are both keyId(key); Ed25519 output is deterministic
 * for the same payload and key, ECDSA is randomized. Keyless, the bundle carries the leaf certificate.
 */
export async function signStatement(payload: Uint8Array, method: KeyObject | SigningMethod): Promise<Uint8Array> {
  const m: SigningMethod = method instanceof KeyObject ? { key: method } : method;
  const signer = "key" in m ? new LocalKeySigner(m.key) : new EphemeralCertificateSigner(m.issuer);
  const builder = new DSSEBundleBuilder({ signer, witnesses: m.tsa ? [new TimestampWitness(m.tsa)] : [] });
  const bundle = await builder.create({ data: Buffer.from(payload), type: IN_TOTO_PAYLOAD_TYPE });
  const json = bundleToJSON(bundle);
  // The bundle spec requires tlogEntries (empty for key-signed bundles); sigstore-js omits empty lists, Go readers expect it.
  json.verificationMaterial = { ...json.verificationMaterial, tlogEntries: json.verificationMaterial.tlogEntries ?? [] };
  return new TextEncoder().encode(JSON.stringify(json));
}
