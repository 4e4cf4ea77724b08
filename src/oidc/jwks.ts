// Checks a CI issuer's JWKS before it is trusted: public, asymmetric signing keys that jose can import. Nothing here
// fetches: the admin hands the JWKS over as a file (cairn's trust decisions stay offline).
import { importJWK, type JWK } from "jose";
import { CairnError } from "../errors.ts";

/** The JWS algorithms an identity token may use: asymmetric only (never `none`, never HS*). */
export const ASYMMETRIC_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"] as const;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
const MAX_KEYS = 100;

export interface Jwks {
  keys: JWK[];
}

/** `what` names the source in messages (the file as given). Throws USAGE naming the key and the problem. */
export async function checkJwks(json: unknown, what: string): Promise<Jwks> {
  const bad = (why: string) => new CairnError("USAGE", `${what}: ${why}`, { hint: "pass the issuer's public JWKS (the document its jwks_uri serves): {\"keys\":[…]}" });
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw bad("is not a JWKS (a JSON object with a \"keys\" array)");
  const keys = (json as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw bad("has no \"keys\" array");
  if (keys.length === 0) throw bad("\"keys\" is empty");
  if (keys.length > MAX_KEYS) throw bad(`has ${keys.length} keys, more than ${MAX_KEYS}`);
  const out: JWK[] = [];
  for (const [i, k] of keys.entries()) {
    const name = `key ${i}${typeof k === "object" && k !== null && typeof (k as JWK).kid === "string" ? ` (kid ${(k as JWK).kid})` : ""}`;
    if (typeof k !== "object" || k === null || Array.isArray(k)) throw bad(`${name} is not a JSON object`);
    const jwk = k as JWK;
    const priv = PRIVATE_MEMBERS.filter((m) => m in jwk);
    if (jwk.kty === "oct") throw bad(`${name} is a symmetric (oct) key; identity tokens must be signed with an asymmetric key`);
    if (priv.length > 0) {
      throw new CairnError("USAGE", `${what}: ${name} contains private key material (${priv.join(", ")})`, {
        hint: "register only the issuer's public keys; remove the private members, and treat that private key as leaked if it was shared",
      });
    }
    if (jwk.use !== undefined && jwk.use !== "sig") throw bad(`${name} has use ${JSON.stringify(jwk.use)}, not "sig"`);
    const alg = jwk.alg ?? defaultAlg(jwk);
    if (alg === undefined) throw bad(`${name} has kty ${JSON.stringify(jwk.kty)}${jwk.crv ? ` crv ${jwk.crv}` : ""}, which is not an RSA, EC or Ed25519 signing key`);
    if (!(ASYMMETRIC_ALGS as readonly string[]).includes(alg)) throw bad(`${name} has alg ${JSON.stringify(alg)}; accepted: ${ASYMMETRIC_ALGS.join(", ")}`);
    try {
      await importJWK(jwk, alg);
    } catch (e) {
      throw bad(`${name} cannot be imported as an ${alg} public key (${(e as Error).message})`);
    }
    out.push(jwk);
  }
  return { keys: out };
}

function defaultAlg(jwk: JWK): string | undefined {
  if (jwk.kty === "RSA") return "RS256";
  if (jwk.kty === "EC") return ({ "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" } as Record<string, string>)[jwk.crv ?? ""];
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  return undefined;
}
