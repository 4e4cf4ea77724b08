// The two authorities a keyless signature needs, as ports: a certificate authority that certifies an ephemeral key
// for the caller's identity, and a timestamp authority that countersigns the signature's time. Adapters: the home's
// own CA/TSA in process (air gap), or a `cairn serve` / any Fulcio and RFC 3161 TSA over HTTP.

/** Certifies a public key for the caller's identity (Fulcio's signingCert). */
export interface CertificateIssuer {
  /** Who certifies, for messages: `https://cairn.example.com`, `the home CA at ~/.cairn/ca`. */
  readonly name: string;
  /**
   * Returns the certificate chain (PEM, leaf first). `prove(subject)` signs the identity's proof-of-possession
   * subject with the private key; an issuer that needs no proof (the home CA in process) does not call it.
   */
  issue(publicKeyPem: string, prove: (subject: string) => Uint8Array): Promise<string[]>;
}

/** Countersigns a signature: the DER RFC 3161 TimeStampResp over SHA-256(signature). */
export interface TimestampAuthority {
  readonly name: string;
  timestamp(signature: Uint8Array): Promise<Uint8Array>;
}

