import type { Config } from "../../config.ts";
import { clockFromEnv, systemClock } from "../../context.ts";
import { CairnError } from "../../errors.ts";
import type { TimestampAuthority } from "../../signing/authorities.ts";
import type { SigningMethod } from "../../signing/sign.ts";
import { workflowIdentity } from "../../trust/identity.ts";

/** How `att push` will sign, decided once from the flags, the environment and the mode. */
export type SigningChoice =
  | { kind: "key"; ref: string; source: "--key" | "CAIRN_SIGNING_KEY"; timestampServer?: string }
  | { kind: "keyless"; via: "control-plane"; url: string; timestampServer?: string }
  | { kind: "keyless"; via: "home"; timestampServer?: string };

export interface SigningFlags {
  key?: string;
  keyless?: boolean;
  timestampServer?: string;
}

/**
 * `--key` (or CAIRN_SIGNING_KEY) signs with that key. Without one, against a control plane the push is keyless, as in
 * Chainloop: the server certifies an ephemeral key. Locally, `--keyless` uses the home's own CA and TSA.
 */
export function chooseSigning(flags: SigningFlags, config: Config): SigningChoice {
  const timestampServer = flags.timestampServer === undefined ? undefined : checkUrl(flags.timestampServer);
  const ts = timestampServer ? { timestampServer } : {};
  if (flags.keyless && flags.key) throw new CairnError("USAGE", "--keyless and --key exclude each other", { hint: "drop one of them" });
  const envKey = config.env.CAIRN_SIGNING_KEY || undefined;
  if (!flags.keyless && flags.key) return { kind: "key", ref: flags.key, source: "--key", ...ts };
  if (!flags.keyless && envKey) return { kind: "key", ref: envKey, source: "CAIRN_SIGNING_KEY", ...ts };
  if (config.remote) return { kind: "keyless", via: "control-plane", url: config.remote.url, ...ts };
  if (flags.keyless) return { kind: "keyless", via: "home", ...ts };
  throw new CairnError("USAGE", "push needs a signing key, or --keyless with the home's CA", {
    hint: "pass --key cosign.key (create one with `cairn keys generate`), or run `cairn ca init` once and push with --keyless",
  });
}

/** One line for `att status` and `att push`: what signs, and what timestamps. */
export function describeSigning(c: SigningChoice): string {
  const ts = c.timestampServer ? `, timestamp from ${c.timestampServer}` : "";
  if (c.kind === "key") return `key (${c.source})${ts}`;
  if (c.via === "control-plane") return `keyless (certificate from ${c.url}${ts || `, timestamp from ${c.url}`})`;
  return `keyless (the home's CA${ts || " and TSA"})`;
}

function checkUrl(text: string): string {
  let u: URL | undefined;
  try {
    u = new URL(text);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== "https:" && u.protocol !== "http:")) {
    throw new CairnError("USAGE", `--timestamp-server ${JSON.stringify(text)} is not an http(s) URL`, { hint: "e.g. --timestamp-server https://tsa.example.com/api/v1/timestamp" });
  }
  return u.href;
}

/** The workflow a run belongs to, as the crafting state names it. */
export interface RunWorkflow {
  organization?: string;
  project: string;
  name: string;
}

/** The certificate identity issuer of `--keyless` pushes signed by the home's own CA (no server, no OIDC). */
export const LOCAL_ISSUER = "cairn://local";

/**
 * The adapters behind a choice: the key; the control plane as Fulcio (identity token exchange) and TSA; or the
 * home's CA and TSA in process. Loaded only once the attestation is known to be complete.
 */
export async function signingMethod(choice: SigningChoice, config: Config, run: RunWorkflow): Promise<SigningMethod> {
  const tsa = choice.timestampServer ? await httpTsa(choice.timestampServer, config) : undefined;
  if (choice.kind === "key") {
    const { signingKey } = await import("../../services/keys.ts");
    return { key: await signingKey(config, choice.ref), ...(tsa && { tsa }) };
  }
  if (choice.via === "control-plane") {
    const { RemoteClient } = await import("../../remote/http-client.ts");
    const { controlPlaneIssuer } = await import("../../remote/fulcio-client.ts");
    const client = new RemoteClient(config.remote!);
    return { issuer: controlPlaneIssuer(client, `${run.project}/${run.name}`), tsa: tsa ?? (await httpTsa(`${choice.url}/api/v1/timestamp`, config)) };
  }
  const { homeCaAuthorities } = await import("../../services/crafting/home-keyless.ts");
  const home = await homeCaAuthorities(config, clockFromEnv(config) ?? systemClock, workflowIdentity(LOCAL_ISSUER, run.organization ?? config.organization, run.project, run.name), LOCAL_ISSUER);
  return { issuer: home.issuer, tsa: tsa ?? home.tsa };
}

async function httpTsa(url: string, config: Config): Promise<TimestampAuthority> {
  const { httpTimestampAuthority } = await import("../../tsa/client.ts");
  const sameServer = config.remote && url.startsWith(`${config.remote.url}/`);
  const { caPem } = await import("../../remote/tls.ts");
  return httpTimestampAuthority(url, sameServer && config.remote?.ca ? { ca: caPem(config.remote.ca) } : {});
}
