// A TimestampAuthority over HTTP: any RFC 3161 TSA taking DER queries (Sigstore's timestamp-authority, `cairn serve`,
// commercial TSAs). Sends a query for SHA-256(signature) with a random nonce and certReq, and checks that the reply
// answers it (granted, same imprint, same nonce) before handing back the DER TimeStampResp.
import { createHash, getRandomValues } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { CairnError } from "../errors.ts";
import type { TimestampAuthority } from "../signing/authorities.ts";
import { HASHES } from "./oids.ts";
import { parseTimestampReply, type TimestampReply } from "./reply.ts";
import { TIMESTAMP_QUERY, TIMESTAMP_REPLY } from "./request.ts";

export interface HttpTsaOptions {
  fetch?: typeof fetch;
  /** PEM of the CA(s) to trust for an https TSA with a private certificate. */
  ca?: string;
}

const STATUS = ["granted", "grantedWithMods", "rejection", "waiting", "revocationWarning", "revocationNotification"];

/** `url` is the timestamp endpoint; a bare origin (path `/`) gets timestamp-authority's `/api/v1/timestamp`, as sigstore-js does. */
export function httpTimestampAuthority(url: string, opts: HttpTsaOptions = {}): TimestampAuthority {
  const endpoint = new URL(url).pathname === "/" ? `${url.replace(/\/$/, "")}/api/v1/timestamp` : url;
  const doFetch = opts.fetch ?? fetch;
  const tls = opts.ca ? { tls: { ca: opts.ca } } : {};
  return {
    name: endpoint,
    async timestamp(signature) {
      const digest = new Uint8Array(createHash("sha256").update(signature).digest());
      const nonce = getRandomValues(new Uint8Array(8));
      nonce[0] = (nonce[0]! & 0x3f) | 0x40;
      const query = new pkijs.TimeStampReq({
        version: 1,
        messageImprint: new pkijs.MessageImprint({
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASHES.sha256.oid, algorithmParams: new asn1js.Null() }),
          hashedMessage: new asn1js.OctetString({ valueHex: digest }),
        }),
        nonce: new asn1js.Integer({ valueHex: nonce }),
        certReq: true,
      });
      let res: Response;
      try {
        res = await doFetch(endpoint, {
          method: "POST",
          headers: { "Content-Type": TIMESTAMP_QUERY, Accept: TIMESTAMP_REPLY },
          body: new Uint8Array(query.toSchema().toBER()),
          redirect: "error",
          ...tls,
        });
      } catch (e) {
        throw new CairnError("NETWORK", `cannot reach the timestamp authority at ${endpoint}: ${(e as Error).message}`, {
          hint: "check the TSA URL and that the server is running and reachable from here",
          cause: e,
        });
      }
      const body = new Uint8Array(await res.arrayBuffer());
      if (res.status !== 200 && res.status !== 201) {
        throw new CairnError("IO", `the timestamp authority at ${endpoint} answered ${res.status} ${res.statusText}${errorText(body)}`, {
          hint: "check that the URL is the TSA's timestamp endpoint (e.g. https://host/api/v1/timestamp)",
        });
      }
      const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== TIMESTAMP_REPLY && type !== "application/timestamp-response") {
        throw new CairnError("IO", `the timestamp authority at ${endpoint} answered with Content-Type ${JSON.stringify(type || "(none)")}, not ${TIMESTAMP_REPLY}`, {
          hint: "the URL may point at a web page or proxy rather than the TSA's timestamp endpoint",
        });
      }
      checkReply(body, digest, nonce, endpoint);
      return body;
    },
  };
}

function checkReply(body: Uint8Array, digest: Uint8Array, nonce: Uint8Array, endpoint: string): void {
  let reply: TimestampReply;
  try {
    reply = parseTimestampReply(body);
  } catch (e) {
    throw new CairnError("IO", `the timestamp authority at ${endpoint} sent a reply that is not an RFC 3161 TimeStampResp: ${(e as Error).message}`);
  }
  const bad = (why: string) => new CairnError("VERIFY_FAILED", `the timestamp authority at ${endpoint} ${why}`);
  if (reply.status > 1 || !reply.tstInfo) {
    const text = [...reply.failures, ...reply.statusText].join(": ");
    throw bad(`did not grant the timestamp: status ${STATUS[reply.status] ?? reply.status}${text ? ` (${text})` : ""}`);
  }
  const t = reply.tstInfo;
  if (t.hashAlgorithm !== HASHES.sha256.oid || !Buffer.from(t.digest).equals(digest)) {
    throw bad("timestamped another digest than the one asked for (the messageImprint does not match)");
  }
  if (!t.nonce || !Buffer.from(t.nonce).equals(nonce)) {
    throw bad(t.nonce ? "answered with another nonce (the reply is not for this request)" : "answered without the request's nonce");
  }
}

/** The message of a timestamp-authority error body ({"code":…,"message":…}), else the start of the text. */
function errorText(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, 2000)).trim();
  if (!text) return "";
  try {
    const b = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } };
    const m = typeof b.message === "string" ? b.message : typeof b.error?.message === "string" ? b.error.message : undefined;
    if (m) return `: ${m.slice(0, 300)}`;
  } catch {
    // not JSON
  }
  return `: ${text.slice(0, 200)}`;
}
