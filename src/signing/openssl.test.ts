// Independent cross-check with the openssl CLI: proves our PAE layout and signature encodings
// (DER ECDSA over SHA-256, pure Ed25519) without using any of our own verification code.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, publicKeyPem, type KeyKind } from "./keys.ts";
import { signStatement } from "./sign.ts";

const HAVE_OPENSSL = spawnSync("openssl", ["version"]).status === 0;
const dir = mkdtempSync(join(tmpdir(), "cairn-openssl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAYLOAD = new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v1","predicate":{"n":"ü"}}');

const ARGS: Record<KeyKind, string[]> = {
  "ecdsa-p256": ["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.bin", "pae.bin"],
  ed25519: ["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "pae.bin", "-sigfile", "sig.bin"],
};

/** Writes pub/sig/PAE for a bundle into a fresh folder and runs openssl's verifier there. */
function opensslVerify(kind: KeyKind, pub: string, bundle: Uint8Array, mutatePae = false) {
  const j = JSON.parse(new TextDecoder().decode(bundle));
  const body = Buffer.from(j.dsseEnvelope.payload, "base64");
  const type: string = j.dsseEnvelope.payloadType;
  // PAE built by hand from the spec's template (type is ASCII, so chars = bytes), not via pae().
  const head = `DSSEv1 ${type.length} ${type} ${body.length} `;
  const pae = Buffer.concat([Buffer.from(head, "utf8"), body]);
  if (mutatePae) pae[pae.length - 2] = (pae[pae.length - 2] as number) ^ 1;
  const cwd = mkdtempSync(join(dir, `${kind}-`));
  writeFileSync(join(cwd, "pub.pem"), pub);
  writeFileSync(join(cwd, "sig.bin"), Buffer.from(j.dsseEnvelope.signatures[0].sig, "base64"));
  writeFileSync(join(cwd, "pae.bin"), pae);
  return spawnSync("openssl", ARGS[kind], { cwd, encoding: "utf8" });
}

describe.skipIf(!HAVE_OPENSSL)("openssl verifies cairn signatures", () => {
  for (const kind of ["ecdsa-p256", "ed25519"] as const) {
    test(kind, async () => {
      const { privateKey, publicKey } = generateKeyPair(kind);
      const bundle = await signStatement(PAYLOAD, privateKey);
      const ok = opensslVerify(kind, publicKeyPem(publicKey), bundle);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toContain("Verified");
      // The negative control: openssl must reject a one-byte change in the PAE.
      expect(opensslVerify(kind, publicKeyPem(publicKey), bundle, true).status).not.toBe(0);
    });
  }
});
