// A Sigstore trusted_root.json: parsed with the protobuf-specs TrustedRoot, checked strictly enough that a root
// cairn keeps (trust-root add) or is handed (--trusted-root) cannot fail later with a library stack trace.
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toTrustMaterial, type TrustMaterial } from "@sigstore/verify";
import { CairnError } from "../errors.ts";

/** A trusted root as the verifier takes it: a name to report, and the trusted_root.json object. */
export interface NamedRoot {
  name: string;
  json: object;
}

/** A root parsed once: the protobuf message and @sigstore/verify's trust material built from it. */
export interface ParsedRoot {
  name: string;
  root: TrustedRoot;
  material: TrustMaterial;
}

/** What `trust-root list` shows of a root. */
export interface RootSummary {
  cas: number;
  tsas: number;
  tlogs: number;
  ctlogs: number;
  /** Earliest start and latest end over its CAs, TSAs and logs (end absent: open-ended). */
  validFrom?: string;
  validUntil?: string;
}

const MEDIA_TYPES = [
  "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  "application/vnd.dev.sigstore.trustedroot.v0.1+json",
  "application/vnd.dev.sigstore.trustedroot.v0.2+json",
];

// Key-signed trust needs no root: keys come from the caller (the key finder is replaced per key).
const noKeys = (hint: string) => {
  throw new CairnError("VERIFY_FAILED", `no key for hint ${hint}`);
};

/** Parses and checks a trusted_root.json object; CairnError `code` (USAGE for files, VERIFY_FAILED in the verifier) names `source`. */
export function parseTrustedRoot(json: unknown, name: string, source = name, code: "USAGE" | "VERIFY_FAILED" = "USAGE"): ParsedRoot {
  const bad = (why: string): never => {
    throw new CairnError(code, `${source} is not a Sigstore trusted_root.json: ${why}`, {
      hint: "pass the trusted_root.json of a Sigstore deployment (`cairn trust-root export` writes a cairn CA's)",
    });
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) bad("not a JSON object");
  const obj = json as Record<string, unknown>;
  if (!MEDIA_TYPES.includes(String(obj["mediaType"]))) bad(`mediaType ${JSON.stringify(obj["mediaType"])} is not one of ${MEDIA_TYPES.join(", ")}`);
  for (const field of ["tlogs", "certificateAuthorities", "ctlogs", "timestampAuthorities"]) {
    if (obj[field] !== undefined && !Array.isArray(obj[field])) bad(`${field} is not a list`);
  }
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(obj);
  } catch (e) {
    return bad((e as Error).message);
  }
  if (root.certificateAuthorities.length + root.timestampAuthorities.length + root.tlogs.length === 0) {
    bad("it names no certificate authority, timestamp authority or transparency log");
  }
  root.certificateAuthorities.forEach((ca, i) => ca.certChain?.certificates.length || bad(`certificateAuthorities[${i}] has an empty certChain`));
  root.timestampAuthorities.forEach((ca, i) => (ca.certChain?.certificates.length ?? 0) >= 2 || bad(`timestampAuthorities[${i}] needs its leaf and the chain to its root (at least 2 certificates)`));
  [...root.tlogs, ...root.ctlogs].forEach((t, i) => (t.publicKey?.rawBytes?.length && (t.logId?.keyId?.length || t.checkpointKeyId?.keyId?.length)) || bad(`log ${i} (${t.baseUrl || "no baseUrl"}) lacks publicKey.rawBytes or logId.keyId`));
  let material: TrustMaterial;
  try {
    material = toTrustMaterial(root, noKeys);
  } catch (e) {
    return bad(`a certificate or key does not parse (${(e as Error).message})`);
  }
  return { name, root, material };
}

/** Counts and overall validity of a parsed root. */
export function summarizeRoot(root: TrustedRoot): RootSummary {
  const ranges = [
    ...root.certificateAuthorities.map((c) => c.validFor),
    ...root.timestampAuthorities.map((c) => c.validFor),
    ...root.tlogs.map((t) => t.publicKey?.validFor),
  ];
  const starts = ranges.map((r) => r?.start).filter((d): d is Date => d instanceof Date);
  const ends = ranges.map((r) => r?.end);
  const openEnded = ends.some((d) => !(d instanceof Date));
  const latest = ends.filter((d): d is Date => d instanceof Date).sort((a, b) => b.getTime() - a.getTime())[0];
  const earliest = starts.sort((a, b) => a.getTime() - b.getTime())[0];
  return {
    cas: root.certificateAuthorities.length,
    tsas: root.timestampAuthorities.length,
    tlogs: root.tlogs.length,
    ctlogs: root.ctlogs.length,
    ...(earliest ? { validFrom: earliest.toISOString() } : {}),
    ...(!openEnded && latest ? { validUntil: latest.toISOString() } : {}),
  };
}
