// Identity tokens from cairn's own OIDC issuer: compact JWS (ES256, kid, typ JWT) that Fulcio-style verifiers and
// sigstore clients read (base64url without padding, as sigstore-go expects).
import { SignJWT } from "jose";
import { CairnError } from "../errors.ts";
import type { OidcKey } from "./signing-key.ts";

export const DEFAULT_TOKEN_TTL_SECONDS = 300;
/** The claims the issuer sets itself; `claims` passed in never replace them. */
export const REGISTERED_CLAIMS = ["iss", "sub", "aud", "iat", "nbf", "exp", "jti"] as const;

export interface MintOptions {
  issuer: string;
  subject: string;
  audience: string;
  /** Further claims (email, job_workflow_ref, cairn's own…). Registered claims in here are ignored. */
  claims: Record<string, unknown>;
  now: Date;
  ttlSeconds?: number;
}

export interface MintedToken {
  token: string;
  expiresAt: Date;
}

export async function mintIdentityToken(key: OidcKey, opts: MintOptions): Promise<MintedToken> {
  const ttl = opts.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new CairnError("USAGE", `token lifetime ${ttl} is not a positive whole number of seconds`);
  for (const [what, v] of [["issuer", opts.issuer], ["subject", opts.subject], ["audience", opts.audience]] as const) {
    if (typeof v !== "string" || v === "") throw new CairnError("USAGE", `an identity token needs a non-empty ${what}`);
  }
  const now = opts.now.getTime();
  if (!Number.isFinite(now)) throw new CairnError("USAGE", "the time to mint an identity token at is not a valid date");
  const iat = Math.floor(now / 1000);
  const extra = Object.fromEntries(Object.entries(opts.claims).filter(([k]) => !(REGISTERED_CLAIMS as readonly string[]).includes(k)));
  const token = await new SignJWT({
    ...extra,
    iss: opts.issuer,
    sub: opts.subject,
    aud: opts.audience,
    iat,
    nbf: iat,
    exp: iat + ttl,
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
  return { token, expiresAt: new Date((iat + ttl) * 1000) };
}
