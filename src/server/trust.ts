// The trust services `cairn serve` offers on its public routes, loaded from the server's home at start: the CA and
// its TSA (`cairn ca init|import`; absent until then, and their routes answer NOT_CONFIGURED) and the OIDC issuer of
// identity tokens (its key is created on first start). Registered CI issuers are read from the store at most once
// a second, so `cairn ca oidc add|remove` (on any machine of the database) takes effect on every replica within one.
import { loadCa, type LoadedCa } from "../ca/load.ts";
import { fromIssuerRecord, type ExternalIssuer } from "../oidc/issuers.ts";
import { loadOrCreateOidcKey, type OidcKey } from "../oidc/signing-key.ts";
import type { ServiceDeps } from "../services/deps.ts";
import { importLegacyIssuers } from "../services/oidc-issuers-import.ts";
import type { OidcIssuerRepo } from "../store/oidc-issuer-port.ts";
import { LogAppender } from "../services/tlog/appender.ts";
import { hasLogKey, initLogKey, serveLogIdentity, type LogIdentity } from "../services/tlog/identity.ts";
import { checkTrustRecord, trustRecordOf } from "../services/trust-record.ts";
import { CairnError } from "../errors.ts";
import { createTimestamper, type Timestamper } from "../tsa/respond.ts";

export interface OidcService {
  key: OidcKey;
  /** The registered CI issuers, as the store had them at most ISSUERS_MAX_AGE_MS ago. */
  external(): Promise<ExternalIssuer[]>;
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
  await importLegacyIssuers(app);
  const oidc = { key: await loadOrCreateOidcKey(home), external: cachedIssuers(app.oidcIssuers) };
  return { ...(ca && { ca }), ...(timestamper && { timestamper }), oidc };
}

/** How old the issuers a token is checked against may be: the bound on an add's or a removal's reaching every replica. */
export const ISSUERS_MAX_AGE_MS = 1000;

/**
 * The registered issuers, read again when the last read started ISSUERS_MAX_AGE_MS ago or more (on a monotonic
 * clock: CAIRN_FIXED_TIME does not stop it); requests that come meanwhile wait for the one read. A failed read is
 * the request's error and the next request reads again.
 */
export function cachedIssuers(repo: Pick<OidcIssuerRepo, "list">, maxAgeMs = ISSUERS_MAX_AGE_MS, now: () => number = () => performance.now()): () => Promise<ExternalIssuer[]> {
  let readAt = -Infinity;
  let issuers: ExternalIssuer[] = [];
  let reading: Promise<ExternalIssuer[]> | undefined;
  return () => {
    if (now() - readAt < maxAgeMs) return Promise.resolve(issuers);
    reading ??= (async () => {
      const started = now();
      try {
        issuers = (await repo.list()).map(fromIssuerRecord);
        readAt = started;
        return issuers;
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  };
}
