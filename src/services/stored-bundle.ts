// Reading back a bundle cairn stored: it was verified when stored, so only its shape is checked here.
import { CairnError } from "../errors.ts";
import type { Statement } from "../crafter/statement.ts";

export interface StoredEnvelope {
  payloadType: string;
  payload: Uint8Array;
}

/** The DSSE envelope of a stored Sigstore bundle, its payload decoded; STORE_INVALID names the attestation. */
export function storedEnvelope(bundle: Uint8Array, digest: string): StoredEnvelope {
  const doc = parseStoredJson(bundle, digest) as { dsseEnvelope?: { payload?: unknown; payloadType?: unknown } };
  const env = doc?.dsseEnvelope;
  if (typeof env?.payload !== "string" || typeof env.payloadType !== "string") {
    throw new CairnError("STORE_INVALID", `stored attestation ${digest} is not a Sigstore bundle with a DSSE envelope`);
  }
  return { payloadType: env.payloadType, payload: new Uint8Array(Buffer.from(env.payload, "base64")) };
}

/** The in-toto statement a stored bundle signs. */
export function storedStatement(bundle: Uint8Array, digest: string): Statement {
  return parseStoredJson(storedEnvelope(bundle, digest).payload, digest) as Statement;
}

export function parseStoredJson(bytes: Uint8Array, digest: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new CairnError("STORE_INVALID", `stored attestation ${digest} is not valid JSON`, { hint: "run `cairn store fsck`" });
  }
}
