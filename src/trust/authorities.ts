// The logs and timestamp authorities of trusted roots, named for reports, and a signed entity narrowed to what they
// can check: a tlog entry or RFC 3161 timestamp from an authority no root knows cannot be verified offline, so it is
// left out (it neither counts towards a threshold nor supplies a time) instead of failing the bundle.
import type { TransparencyLogEntry } from "@sigstore/bundle";
import type { SignedEntity, TrustMaterial } from "@sigstore/verify";
import type { ParsedRoot } from "./trusted-root.ts";

type TLogAuthority = TrustMaterial["tlogs"][number];
type CertAuthority = TrustMaterial["timestampAuthorities"][number];

/** A timestamp that was verified: RFC 3161 from a TSA, or a transparency log's integrated time (inclusion promise). */
export interface CheckedTimestamp {
  source: "rfc3161" | "tlog";
  time: Date;
  /** The TSA (its subject CN, else URI) or the log (its base URL), and the root that names it. */
  authority: string;
  root: string;
}

/** A transparency-log entry whose inclusion was verified (Rekor v2 entries carry no time). */
export interface CheckedLogEntry {
  authority: string;
  root: string;
  logIndex: string;
  kind: string;
}

export interface Authorities {
  material: TrustMaterial;
  tlogs: { authority: TLogAuthority; name: string; root: string }[];
  tsas: { authority: CertAuthority; name: string; root: string }[];
}

/** The logs and TSAs of some roots as one trust material (no CAs, no CT logs, no keys). */
export function authoritiesOf(roots: ParsedRoot[]): Authorities {
  const tlogs = roots.flatMap((r) => r.material.tlogs.map((authority, i) => ({ authority, name: r.root.tlogs[i]?.baseUrl || "(log without baseUrl)", root: r.name })));
  const tsas = roots.flatMap((r) =>
    r.material.timestampAuthorities.map((authority, i) => {
      const ca = r.root.timestampAuthorities[i];
      return { authority, name: ca?.subject?.commonName || ca?.uri || "(unnamed TSA)", root: r.name };
    }),
  );
  const material: TrustMaterial = {
    certificateAuthorities: [],
    ctlogs: [],
    tlogs: tlogs.map((t) => t.authority),
    timestampAuthorities: tsas.map((t) => t.authority),
    publicKey: roots[0]?.material.publicKey ?? (() => { throw new Error("no key"); }),
  };
  return { material, tlogs, tsas };
}

/** The root's own material with its CAs and CT logs, for certificate-signed bundles. */
export function rootAuthorities(root: ParsedRoot): Authorities {
  return { ...authoritiesOf([root]), material: root.material };
}

export interface Narrowed {
  entity: SignedEntity;
  timestamps: CheckedTimestamp[];
  logEntries: CheckedLogEntry[];
  /** Timestamps and tlog entries left out because no given root knows their authority. */
  ignored: number;
}

/** The entity with only the tlog entries and timestamps these authorities can check, and how they will be reported. */
export function narrow(entity: SignedEntity, auth: Authorities): Narrowed {
  const logOf = (e: TransparencyLogEntry) => auth.tlogs.find((t) => t.authority.logID.equals(e.logId.keyId));
  const tlogEntries = entity.tlogEntries.filter((e) => logOf(e) !== undefined);
  const timestamps: CheckedTimestamp[] = [];
  const kept = entity.timestamps.filter((t) => {
    if (t.$case === "transparency-log") {
      const log = tlogEntries.includes(t.tlogEntry) ? logOf(t.tlogEntry) : undefined;
      if (log && t.tlogEntry.inclusionPromise) timestamps.push({ source: "tlog", time: new Date(Number(t.tlogEntry.integratedTime) * 1000), authority: log.name, root: log.root });
      return log !== undefined;
    }
    const ts = t.timestamp;
    const tsa = auth.tsas.find((a) => {
      const leaf = a.authority.certChain[0];
      return leaf !== undefined && leaf.serialNumber.equals(ts.signerSerialNumber) && leaf.issuer.equals(ts.signerIssuer);
    });
    if (tsa) timestamps.push({ source: "rfc3161", time: ts.signingTime, authority: tsa.name, root: tsa.root });
    return tsa !== undefined;
  });
  const logEntries = tlogEntries.map((e) => {
    const log = logOf(e)!;
    return { authority: log.name, root: log.root, logIndex: e.logIndex, kind: `${e.kindVersion.kind}/${e.kindVersion.version}` };
  });
  const ignored = entity.timestamps.filter((t) => t.$case === "timestamp-authority").length - kept.filter((t) => t.$case === "timestamp-authority").length + entity.tlogEntries.length - tlogEntries.length;
  return { entity: { ...entity, tlogEntries, timestamps: kept }, timestamps, logEntries, ignored };
}
