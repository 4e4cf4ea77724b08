// POST /api/v1/timestamp — an RFC 3161 TSA speaking both request forms of Sigstore's timestamp-authority: the DER
// query (`openssl ts -query`, sigstore-go, cosign) and sigstore-js's JSON. The reply is the DER TimeStampResp.
// GET /api/v1/timestamp/certchain — its chain, PEM, leaf first. Refusals are audited; granted stamps are not (they
// carry no identity, and a busy CI fleet would drown the trail).
import { CairnError } from "../../errors.ts";
import { MAX_TIMESTAMP_REQUEST_BYTES, parseTimestampRequest } from "../../tsa/request.ts";
import { readBytes } from "../http.ts";
import { anonymousEvent, type PublicContext } from "../public-routes.ts";
import { errorOutcome } from "../audit-log.ts";
import { sigstoreError } from "./answer.ts";

const noTsa = () => new CairnError("NOT_CONFIGURED", "this server has no timestamp authority", { hint: "on the server: `cairn ca init` creates one with the CA; then restart `cairn serve`" });

export async function timestamp(c: PublicContext): Promise<Response> {
  try {
    const tsa = c.trust.timestamper;
    if (!tsa) throw noTsa();
    const body = await readBytes(c.req, MAX_TIMESTAMP_REQUEST_BYTES);
    const req = parseTimestampRequest(body, c.req.headers.get("content-type") ?? "");
    const reply = await tsa.respond(req, c.app.clock.now());
    return new Response(reply, { status: 200, headers: { "Content-Type": "application/timestamp-reply" } });
  } catch (e) {
    await c.audit(await anonymousEvent(c, { action: "timestamp.create", target: "timestamp", ...errorOutcome(e) }));
    return sigstoreError(e);
  }
}

export function timestampChain(c: PublicContext): Response {
  const tsa = c.trust.timestamper;
  if (!tsa) return sigstoreError(noTsa());
  return new Response(tsa.chainPem(), { status: 200, headers: { "Content-Type": "application/pem-certificate-chain" } });
}
