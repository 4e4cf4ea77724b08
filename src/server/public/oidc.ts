// OIDC discovery for the identity tokens cairn issues: anyone holding one can check it against these keys.
import { CairnError } from "../../errors.ts";
import { jwksDocument, openidConfiguration } from "../../oidc/discovery.ts";
import { json } from "../http.ts";
import type { PublicContext } from "../public-routes.ts";
import { sigstoreError } from "./answer.ts";

const noOidc = () => new CairnError("NOT_CONFIGURED", "this server issues no identity tokens", { hint: "start `cairn serve` with a writable home" });

export function discovery(c: PublicContext): Response {
  if (!c.trust.oidc) return sigstoreError(noOidc());
  return json(200, openidConfiguration(c.publicUrl), { "Cache-Control": "max-age=300" });
}

export function jwks(c: PublicContext): Response {
  if (!c.trust.oidc) return sigstoreError(noOidc());
  return json(200, jwksDocument(c.trust.oidc.key), { "Cache-Control": "max-age=300" });
}
