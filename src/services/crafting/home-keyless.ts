// `att push --keyless` on one machine: the home's own CA certifies the ephemeral key and its TSA stamps the
// signature, in process — the same bundle shape a `cairn serve` gives, for an air gap with no server at all.
import { createPublicKey } from "node:crypto";
import type { Config } from "../../config.ts";
import { CairnError } from "../../errors.ts";
import { loadCa } from "../../ca/load.ts";
import { issueCertificate } from "../../ca/issue.ts";
import type { CertificateIssuer, TimestampAuthority } from "../../signing/authorities.ts";
import { inProcessTimestampAuthority } from "../../tsa/local.ts";
import { createTimestamper } from "../../tsa/respond.ts";
import type { Clock } from "../deps.ts";
import { servedLogRootEntry } from "../tlog/identity.ts";

export async function homeCaAuthorities(config: Config, clock: Clock, san: string, issuer: string): Promise<{ issuer: CertificateIssuer; tsa: TimestampAuthority }> {
  const ca = await loadCa(config.home, { password: config.env.CAIRN_CA_PASSWORD || undefined });
  if (!ca) {
    throw new CairnError("NOT_CONFIGURED", `--keyless needs a CA in this home (${config.home})`, { hint: "create one with `cairn ca init`, or sign with --key" });
  }
  // Once `cairn serve` ran on this home, its trusted root lists the server's log, and a certificate-signed bundle
  // verifies against it only with an entry of that log: one signed here, in process, has none.
  if (servedLogRootEntry(config.home)) {
    throw new CairnError("USAGE", `this home's trusted root lists the transparency log of the \`cairn serve\` that ran on it: a --keyless bundle signed on this machine would carry no entry of it and not verify`, {
      hint: "push through that server (`--control-plane URL --token T`: keyless there is logged), or sign with --key",
    });
  }
  const name = `the home CA at ${config.home}/ca`;
  const certIssuer: CertificateIssuer = {
    name,
    async issue(publicKeyPem) {
      const spki = new Uint8Array(createPublicKey(publicKeyPem).export({ type: "spki", format: "der" }));
      const issued = await issueCertificate(ca, { publicKeySpki: spki, identity: { san: { type: "uri", value: san }, issuer, extensions: {} }, now: clock.now() });
      return issued.chainPem;
    },
  };
  const tsa = inProcessTimestampAuthority(createTimestamper({ chainDer: ca.tsaChainDer, key: ca.tsaKey }), clock, `the home TSA at ${config.home}/ca`);
  return { issuer: certIssuer, tsa };
}
