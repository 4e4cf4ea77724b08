// The timestamp authority's signing half: turns a parsed request into a DER TimeStampResp (granted, with a token
// signed by the TSA leaf), or a rejection. Stateless: serials are random, time is passed in.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { CairnError } from "../errors.ts";
import { encodePem } from "../signing/pem.ts";
import { DEFAULT_TSA_POLICY, OID } from "./oids.ts";
import { checkPolicy } from "./request-checks.ts";
import { rejectionResponse } from "./status.ts";
import { grantedReply, makeSigner, tstInfoDer } from "./token.ts";
import type { TimestampRequest, TsaFailure } from "./types.ts";

export interface TimestamperOptions {
  /** The TSA's certificate chain, DER, leaf first (the leaf with a critical EKU timeStamping). */
  chainDer: Uint8Array[];
  /** The leaf's private key: ECDSA P-256 (signs with SHA-256) or P-384 (SHA-384). */
  key: CryptoKey;
  /** The TSA policy OID; default Sigstore's 1.3.6.1.4.1.57264.2. */
  policy?: string;
}

export interface Timestamper {
  readonly policy: string;
  /** A granted DER TimeStampResp for the request at `now` (genTime truncated to the second). */
  respond(req: TimestampRequest, now: Date): Promise<Uint8Array>;
  /** A DER TimeStampResp with status rejection, `text` as its status string and the failure bit set. */
  reject(failure: TsaFailure, text: string): Uint8Array;
  /** The chain as PEM, leaf first: the body of GET /api/v1/timestamp/certchain. */
  chainPem(): string;
}

const CURVES: Record<string, { oid: string; hash: "SHA-256" | "SHA-384" }> = {
  "P-256": { oid: "1.2.840.10045.3.1.7", hash: "SHA-256" },
  "P-384": { oid: "1.3.132.0.34", hash: "SHA-384" },
};

export function createTimestamper(opts: TimestamperOptions): Timestamper {
  const [leafDer] = opts.chainDer;
  if (leafDer === undefined) throw new CairnError("USAGE", "the TSA certificate chain is empty", { hint: "give the TSA leaf certificate first, then its issuers" });
  const leaf = parseLeaf(leafDer);
  const policy = opts.policy ?? DEFAULT_TSA_POLICY;
  const signer = makeSigner(leafDer, leaf, opts.key, keyHash(opts.key, leaf), policy);
  const pem = opts.chainDer.map((der) => encodePem("CERTIFICATE", der)).join("");
  return {
    policy,
    async respond(req, now) {
      checkPolicy(req.policy, policy, "the request's policy");
      return grantedReply(signer, tstInfoDer(signer, req, now), now, req.certReq);
    },
    reject: rejectionResponse,
    chainPem: () => pem,
  };
}

function parseLeaf(der: Uint8Array): pkijs.Certificate {
  let leaf: pkijs.Certificate;
  try {
    leaf = pkijs.Certificate.fromBER(der);
  } catch (e) {
    throw new CairnError("USAGE", `the TSA leaf certificate is not a DER X.509 certificate: ${(e as Error).message}`);
  }
  const eku = leaf.extensions?.find((x) => x.extnID === OID.extKeyUsage);
  const purposes = (eku?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  if (!eku?.critical || purposes.length !== 1 || purposes[0] !== OID.timeStamping) {
    throw new CairnError("USAGE", "the TSA leaf certificate must have a critical extended key usage of exactly timeStamping", {
      hint: "verifiers (openssl ts -verify, sigstore-go) refuse tokens signed by any other certificate; issue the TSA leaf with EKU timeStamping, critical",
    });
  }
  return leaf;
}

function keyHash(key: CryptoKey, leaf: pkijs.Certificate): "SHA-256" | "SHA-384" {
  const alg = key.algorithm as { name: string; namedCurve?: string };
  const curve = alg.name === "ECDSA" && alg.namedCurve !== undefined ? CURVES[alg.namedCurve] : undefined;
  if (!curve || key.type !== "private" || !key.usages.includes("sign")) {
    const what = [alg.name, alg.namedCurve, key.type].filter(Boolean).join(" ");
    throw new CairnError("KEY_INVALID", `the TSA key is ${what}; it must be an ECDSA P-256 or P-384 private signing key`, {
      hint: "Sigstore verifiers map only ECDSA signature algorithms for timestamps",
    });
  }
  const params: unknown = leaf.subjectPublicKeyInfo.algorithm.algorithmParams;
  const leafCurve = params instanceof asn1js.ObjectIdentifier ? params.getValue() : undefined;
  if (leafCurve !== curve.oid) {
    throw new CairnError("KEY_INVALID", `the TSA key is ${alg.namedCurve}, but the leaf certificate's key is not (curve ${leafCurve ?? "none"})`, { hint: "give the private key of the TSA leaf certificate" });
  }
  return curve.hash;
}
