// The signature of an export's manifest (manifest.sigstore.json, written just before manifest.json): a Sigstore bundle
// whose DSSE payload is an in-toto statement with manifest.json as its one subject. The manifest lists every other
// entry's sha256, so one verified signature binds everything import stores that no attestation signs (runs.json's
// unsigned fields, contract revisions no run's statement names, blobs).
import { STATEMENT_TYPE, serializeStatement, type Statement } from "../../crafter/statement.ts";
import { isCairnError } from "../../errors.ts";
import { IN_TOTO_PAYLOAD_TYPE, signStatement, type SigningMethod } from "../../signing/sign.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import { verifyBundle, type Signer } from "../../trust/verifier.ts";
import { entryNames } from "../../crafter/transfer-names.ts";
import type { Manifest } from "./layout.ts";
import { refuse } from "./tar-reader.ts";
import { sha256 } from "../../crafter/sha256.ts";

/** The predicate type of the manifest statement (predicate: the organization, createdAt and entry count). */
export const EXPORT_MANIFEST_PREDICATE = "https://cairn.dev/export-manifest/v1";

/** The statement signed for `manifestBytes` (the exact bytes written as manifest.json). */
export function manifestStatement(manifestBytes: Uint8Array, manifest: Manifest): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: "manifest.json", digest: { sha256: sha256(manifestBytes).slice("sha256:".length) } }],
    predicateType: EXPORT_MANIFEST_PREDICATE,
    predicate: { organization: manifest.organization, createdAt: manifest.createdAt, entries: manifest.entries.length },
  };
}

/** The bundle bytes of manifest.sigstore.json. */
export function signManifest(manifestBytes: Uint8Array, manifest: Manifest, method: SigningMethod): Promise<Uint8Array> {
  return signStatement(serializeStatement(manifestStatement(manifestBytes, manifest)), method);
}

/**
 * Verifies manifest.sigstore.json under the importing home's trust and checks that it signs these manifest bytes;
 * any failure refuses the whole tar, naming the entry. Returns who signed.
 */
export function verifyManifestSignature(bundle: Uint8Array, manifestBytes: Uint8Array, trust: TrustPolicy): Signer {
  const name = entryNames.manifestSignature;
  const digest = sha256(manifestBytes);
  let v: ReturnType<typeof verifyBundle>;
  try {
    v = verifyBundle(bundle, { ...trust, digest });
  } catch (e) {
    if (isCairnError(e, "VERIFY_FAILED")) return refuse(name, `${e.message} (manifest.json is ${digest}: changed after it was signed, or signed by a key this home does not trust)`);
    throw e;
  }
  const st = v.statement as Partial<Statement> | undefined;
  if (v.kind !== "dsse" || v.payloadType !== IN_TOTO_PAYLOAD_TYPE || st?._type !== STATEMENT_TYPE) refuse(name, "is not a DSSE in-toto statement");
  if (st!.predicateType !== EXPORT_MANIFEST_PREDICATE) refuse(name, `predicate type is ${JSON.stringify(st!.predicateType)}, not ${EXPORT_MANIFEST_PREDICATE}`);
  const subjects = st!.subject ?? [];
  if (subjects.length !== 1 || subjects[0]!.name !== "manifest.json") refuse(name, "must have manifest.json as its only subject");
  return v.signer;
}
