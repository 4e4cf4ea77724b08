// Replicas of `cairn serve` on one database must sign as one server: the same public URL (OIDC issuer, certificate
// identities, the trusted root's URLs), CA and TSA, OIDC key and log key. The keys live in each replica's home, not
// in the database; the database keeps their fingerprints (TrustRecordRepo), recorded by the first replica to start
// with keyless signing, and every later one is compared with them before it serves.
import { createHash } from "node:crypto";
import type { LoadedCa } from "../ca/load.ts";
import { CairnError } from "../errors.ts";
import type { TrustRecordRepo } from "../store/trust-record-port.ts";
import { toHex } from "../tlog/encoding.ts";
import type { LogIdentity } from "./tlog/identity.ts";

export interface TrustRecord {
  version: 1;
  publicUrl: string;
  /** SHA-256 of the CA chain's DER (intermediate first), and of the TSA chain's. */
  ca?: string;
  tsa?: string;
  /** The OIDC issuer key's JWK thumbprint. */
  oidcKey?: string;
  /** `<origin> <key ID>` of the log's signed notes. */
  log?: string;
}

export interface ServedTrust {
  publicUrl: string;
  ca?: LoadedCa;
  oidcKid?: string;
  log?: LogIdentity;
}

const chainHash = (ders: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const d of ders) h.update(d);
  return `sha256:${h.digest("hex")}`;
};

export function trustRecordOf(t: ServedTrust): TrustRecord {
  return {
    version: 1,
    publicUrl: t.publicUrl,
    ...(t.ca && { ca: chainHash(t.ca.caChainDer), tsa: chainHash(t.ca.tsaChainDer) }),
    ...(t.oidcKid && { oidcKey: t.oidcKid }),
    ...(t.log && { log: `${t.log.origin} ${toHex(t.log.signer.keyId)}` }),
  };
}

const FIXES: Record<Exclude<keyof TrustRecord, "version">, [string, string]> = {
  publicUrl: ["public URL", "start every replica with the same --public-url (the load balancer's URL)"],
  ca: ["CA", "copy <home>/ca from a replica of this database"],
  tsa: ["TSA", "copy <home>/ca from a replica of this database"],
  oidcKey: ["OIDC key", "copy <home>/oidc/signing.key from a replica of this database"],
  log: ["log key", "copy <home>/log from a replica of this database"],
};

/**
 * Records this replica's trust on a database that has none (when it serves keyless signing or a log), or refuses
 * to start, naming each difference and its fix, when the recorded one differs. `adopt` records this replica's instead.
 */
export async function checkTrustRecord(repo: TrustRecordRepo, mine: TrustRecord, o: { adopt?: boolean } = {}): Promise<void> {
  const text = JSON.stringify(mine);
  const signs = mine.ca !== undefined || mine.log !== undefined;
  if (o.adopt) {
    if (!signs) throw new CairnError("USAGE", "--adopt-trust: this home has no CA and no transparency log key to record", { hint: "run `cairn ca init` (or copy <home>/ca and <home>/log) first" });
    return repo.replace(text);
  }
  const stored = signs ? await repo.claim(text) : await repo.get();
  if (stored === undefined || stored === text) return;
  let recorded: TrustRecord;
  try {
    recorded = JSON.parse(stored) as TrustRecord;
  } catch {
    throw new CairnError("STORE_INVALID", "the trust record of this database (settings serve_trust) is damaged", { hint: "start one replica with `cairn serve --adopt-trust` to record its CA, TSA and keys again" });
  }
  const diffs = (Object.keys(FIXES) as (keyof typeof FIXES)[]).filter((k) => recorded[k] !== mine[k]);
  if (diffs.length === 0) return;
  const said = diffs.map((k) => `${FIXES[k][0]} ${mine[k] ?? "none"}, the replicas' ${recorded[k] ?? "none"}`);
  const fixes = [...new Set(diffs.map((k) => FIXES[k][1]))];
  throw new CairnError("KEY_INVALID", `this server does not sign as the other replicas of this database: ${said.join("; ")}`, {
    hint: `${fixes.join("; ")}; then restart. The private keys are not in the database. After replacing the CA on purpose: \`cairn serve --adopt-trust\` on one replica, then the same files on every other`,
  });
}
