// The trust services `cairn serve` offers on its public routes, loaded from the server's home at start: the CA and
// its TSA (`cairn ca init|import`; absent until then, and their routes answer NOT_CONFIGURED) and the OIDC issuer of
// identity tokens (its key is created on first start). Registered CI issuers are re-read when their file changes,
// so `cairn ca oidc add` takes effect without a restart.
import { join } from "node:path";
import { loadCa, type LoadedCa } from "../ca/load.ts";
import { listExternalIssuers, type ExternalIssuer } from "../oidc/issuers.ts";
import { loadOrCreateOidcKey, type OidcKey } from "../oidc/signing-key.ts";
import type { ServiceDeps } from "../services/deps.ts";
import { fileStamp } from "../services/file-stamp.ts";
import { LogAppender } from "../services/tlog/appender.ts";
import { hasLogKey, initLogKey, serveLogIdentity, type LogIdentity } from "../services/tlog/identity.ts";
import { checkTrustRecord, trustRecordOf } from "../services/trust-record.ts";
import { CairnError } from "../errors.ts";
import { createTimestamper, type Timestamper } from "../tsa/respond.ts";

export interface OidcService {
  key: OidcKey;
  /** The registered CI issuers, as of the last change of `<home>/oidc/issuers.json`. */
  external(): ExternalIssuer[];
}

export interface TrustServices {
  ca?: LoadedCa;
  timestamper?: Timestamper;
  oidc?: OidcService;
  /** The transparency log; attached once the server knows its public URL (attachLog). */
  log?: LogAppender;
}

/**
 * Opens the home's transparency log as served at `publicUrl` (its hostname is the log's origin) and attaches it:
 * a CA without a log key gets one now. On a shared database (replicas) the CA, TSA, OIDC key, log key and public URL
 * are first checked against the trust record (checkTrustRecord). The stored tree is checked against its newest checkpoint.
 */
export async function attachLog(trust: TrustServices, app: ServiceDeps, publicUrl: string, o: { adoptTrust?: boolean } = {}): Promise<void> {
  const home = app.config.home;
  const password = app.config.env.CAIRN_CA_PASSWORD || undefined;
  let identity: LogIdentity | undefined;
  if (trust.ca || hasLogKey(home)) {
    if (!hasLogKey(home)) initLogKey(home, { now: app.clock.now(), password });
    identity = serveLogIdentity(home, publicUrl, password)!;
  }
  if (app.config.database) {
    const mine = trustRecordOf({ publicUrl, ...(trust.ca && { ca: trust.ca }), ...(trust.oidc && { oidcKid: trust.oidc.key.kid }), ...(identity && { log: identity }) });
    await checkTrustRecord(app.trustRecord, mine, { adopt: o.adoptTrust });
  } else if (o.adoptTrust) {
    throw new CairnError("USAGE", "--adopt-trust is for replicas on a shared database", { hint: "give --database (or CAIRN_DATABASE_URL); a home's own SQLite store has one server" });
  }
  if (!identity) return;
  const log = new LogAppender(app.tlog, identity, app.clock);
  await log.open();
  trust.log = log;
}

export async function loadTrustServices(app: ServiceDeps): Promise<TrustServices> {
  const home = app.config.home;
  const ca = await loadCa(home, { password: app.config.env.CAIRN_CA_PASSWORD || undefined });
  const timestamper = ca ? createTimestamper({ chainDer: ca.tsaChainDer, key: ca.tsaKey }) : undefined;
  const oidc = { key: await loadOrCreateOidcKey(home), external: cachedIssuers(home) };
  return { ...(ca && { ca }), ...(timestamper && { timestamper }), oidc };
}

function cachedIssuers(home: string): () => ExternalIssuer[] {
  const file = join(home, "oidc", "issuers.json");
  let seen = "";
  let issuers: ExternalIssuer[] = [];
  return () => {
    const stamp = fileStamp(file);
    if (stamp !== seen) {
      issuers = stamp === "absent" ? [] : listExternalIssuers(home);
      seen = stamp;
    }
    return issuers;
  };
}
