// The home CA's trusted_root.json (protobuf-specs TrustedRoot, proto3 JSON): the CA chain and the TSA chain, no
// transparency or CT logs (a server adds its log when it publishes its own). The v0.1 media type, which sigstore-go
// insists on; no fields beyond the proto's, which Go's protojson would reject.
import { der, subjectField, type Cert } from "./certs.ts";

export const TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

const b64 = (c: Cert) => Buffer.from(der(c)).toString("base64");
const timestamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export interface RootJsonParts {
  /** The CA's name: the authorities' URI is `cairn://<name>` (the server's URL is not known here). */
  name: string;
  /** [issuing intermediate, …, root]. */
  caChain: Cert[];
  /** [TSA leaf, …, root]. */
  tsaChain: Cert[];
}

/** The authority entry of a chain: subject from its root, valid from its first certificate's notBefore, open-ended. */
function authority(name: string, chain: Cert[]) {
  const top = chain[chain.length - 1]!;
  return {
    subject: { organization: subjectField(top, "O") ?? name, commonName: subjectField(top, "CN") ?? name },
    uri: `cairn://${name}`,
    certChain: { certificates: chain.map((c) => ({ rawBytes: b64(c) })) },
    validFor: { start: timestamp(chain[0]!.notBefore) },
  };
}

export function trustedRootJson(p: RootJsonParts): string {
  const root = {
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: [],
    certificateAuthorities: [authority(p.name, p.caChain)],
    ctlogs: [],
    timestampAuthorities: [authority(p.name, p.tsaChain)],
  };
  return `${JSON.stringify(root, null, 2)}\n`;
}
