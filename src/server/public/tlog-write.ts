// POST /api/v2/log/entries — Rekor v2's write API: a hashedrekord or DSSE request is verified, normalised into a
// hashedrekord/0.0.2 entry, appended (batched with concurrent requests), and answered 201 with the
// TransparencyLogEntry whose inclusion proof and checkpoint already cover it. Who may write: an attestor API token
// (cairn's own pushes), or — for clients that send no token, such as sigstore-js's RekorWitness — a request whose
// verifier is a certificate this server's CA issued and that is valid now.
import { X509Certificate } from "node:crypto";
import { CairnError } from "../../errors.ts";
import { roleAtLeast } from "../../services/control/roles.ts";
import type { LogAppender } from "../../services/tlog/appender.ts";
import { canonicalBody, type HashedRekord } from "../../tlog/rekor/body.ts";
import { transparencyLogEntry } from "../../tlog/rekor/entry.ts";
import { parseCreateEntryRequest } from "../../tlog/rekor/request.ts";
import { toLoggedEntry } from "../../tlog/rekor/verify.ts";
import type { Verifier } from "../../tlog/rekor/request.ts";
import { authenticate, bearerToken } from "../auth.ts";
import { readBytes } from "../http.ts";
import { anonymousEvent, type PublicContext } from "../public-routes.ts";
import type { Principal } from "../web-seam.ts";
import { errorOutcome, tokenEvent } from "../audit-log.ts";
import { sigstoreError } from "./answer.ts";
import { noLog } from "./tlog-read.ts";

/** Rekor v2's request limit. */
export const MAX_LOG_REQUEST = 4 * 1024 * 1024;

export async function createEntry(c: PublicContext): Promise<Response> {
  const log = c.trust.log;
  // Not a refusal: clients ask, and push unlogged to a server that keeps no log (it then requires none).
  if (!log) return sigstoreError(noLog());
  let principal: Principal | undefined;
  try {
    principal = c.req.headers.has("authorization") ? await authenticate(c.app, bearerToken(c.req)) : undefined;
    if (principal && !roleAtLeast(principal.role, "attestor")) throw new CairnError("FORBIDDEN", `writing to the transparency log needs role attestor; this token is ${principal.role}`);
    if (!/^application\/json\b/i.test(c.req.headers.get("content-type") ?? "")) throw new CairnError("UNSUPPORTED_MEDIA_TYPE", "log entries are application/json CreateEntryRequests", { hint: "send Rekor v2's {hashedRekordRequestV002: …} or {dsseRequestV002: …}" });
    const text = new TextDecoder().decode(await readBytes(c.req, Math.min(MAX_LOG_REQUEST, c.limits.maxBodyBytes)));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CairnError("USAGE", "the log entry request is not JSON", { hint: "send Rekor v2's CreateEntryRequest" });
    }
    const req = parseCreateEntryRequest(json);
    if (!principal) requireOwnCertificate(c, req.kind === "hashedrekord" ? [req.verifier] : req.verifiers);
    const tle = await appendEntry(log, toLoggedEntry(req));
    return new Response(`${JSON.stringify(tle)}\n`, { status: 201, headers: { "Content-Type": "application/json" } });
  } catch (e) {
    const what = { action: "tlog.append", target: "log entry", ...errorOutcome(e) };
    await c.audit(principal ? tokenEvent(principal, c.app.clock.now(), what) : await anonymousEvent(c, what));
    return sigstoreError(e);
  }
}

/** Appends a verified entry (batched with concurrent ones); its TransparencyLogEntry once the batch committed. */
export async function appendEntry(log: LogAppender, entry: HashedRekord): Promise<Record<string, unknown>> {
  const logged = await log.append(canonicalBody(entry));
  return transparencyLogEntry({ index: logged.index, logId: log.identity.signer.logId, body: logged.body, proof: logged.proof, treeSize: logged.treeSize, rootHash: logged.rootHash, checkpoint: logged.checkpoint });
}

/** Without a token, the signing certificate must be one this server's CA issued and still valid. */
function requireOwnCertificate(c: PublicContext, verifiers: Verifier[]): void {
  const ca = c.trust.ca;
  const now = c.app.clock.now().getTime();
  const issuer = ca ? new X509Certificate(ca.caChainDer[0]!) : undefined;
  for (const v of verifiers) {
    if (!v.x509Certificate || !issuer) continue;
    const leaf = new X509Certificate(v.x509Certificate);
    const valid = Date.parse(leaf.validFrom) <= now && now <= Date.parse(leaf.validTo);
    if (valid && leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey)) return;
  }
  throw new CairnError("CREDENTIAL_INVALID", "writing to this log needs an attestor API token, or a signing certificate this server issued that is still valid", {
    hint: "send Authorization: Bearer <token>, or sign keyless with this server as Fulcio (certificates live 10 minutes)",
  });
}
