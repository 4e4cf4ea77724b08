// Test support for verified ingest: bundles crafted and signed the way a remote client does, against a real store.
import { Database } from "bun:sqlite";
import type { KeyObject } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildStatement, serializeStatement, type Statement } from "../../crafter/statement.ts";
import { publicKeyPem } from "../../signing/keys.ts";
import { signStatement, type SigningMethod } from "../../signing/sign.ts";
import type { Scope } from "../../store/ports.ts";
import type { ServiceDeps } from "../deps.ts";
import { uploadStream } from "./artifacts.ts";
import { addMaterial } from "../crafting/add.ts";
import { initAttestation, type InitInput } from "../crafting/init.ts";
import { addOrgKey } from "./org-keys.ts";
import type { TestStore } from "./runs.testutil.ts";

export interface Crafted {
  runId: string;
  /** A fresh signed bundle of the run's statement (after `mutate`), each call one signature (a key, or a certificate). */
  sign(key?: KeyObject | SigningMethod, mutate?: (st: Statement) => void): Promise<Uint8Array>;
  /** Digests of the materials added. */
  materials: string[];
}

/**
 * init → add each file as an ARTIFACT (uploaded to the CAS) and leave the run initialized; the state file is removed
 * afterwards (unless `keepState`) so the next init does not cancel this run. Each file is also uploaded as a remote
 * client's `add` does (POST /api/v1/blobs: a CAS mapping for `upload.scope`), unless `upload` is false.
 */
export async function craft(
  s: TestStore,
  deps: ServiceDeps,
  files: Record<string, string>,
  init: Partial<InitInput> = {},
  keepState = false,
  upload: { scope?: Scope } | false = {},
): Promise<Crafted> {
  const st0 = await initAttestation(deps, { workflow: "build", project: "skynet", dryRun: false, replace: true, ...init });
  const materials: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = s.file(`${name}.bin`, content);
    const [m] = await addMaterial(deps, { name, kind: "ARTIFACT", value: file, annotations: {}, strict: true });
    if (upload) await uploadStream(deps, { chunks: chunksOf(readFileSync(join(s.dir, file))), name: file, maxBytes: 1 << 30, scope: upload.scope });
    materials.push(m!.digest);
  }
  const state = deps.state.read();
  if (!keepState) deps.state.remove();
  const finishedAt = deps.clock.now().toISOString();
  return {
    runId: st0.workflow.runId ?? st0.attestationId,
    materials,
    sign: async (key = s.key.privateKey, mutate) => {
      const st = buildStatement(state, { finishedAt, builderVersion: deps.version, annotations: {} });
      mutate?.(st);
      return signStatement(serializeStatement(st), key);
    },
  };
}

async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export async function register(deps: ServiceDeps, name: string, key: KeyObject): Promise<void> {
  await addOrgKey(deps, { name, pem: publicKeyPem(key), source: name });
}

export interface StoreCounts {
  attestations: number;
  succeeded: number;
  referrers: number;
  blobs: number;
}

/** Rows and CAS files, to prove a refusal stored nothing. */
export function counts(deps: ServiceDeps): StoreCounts {
  const db = new Database(join(deps.config.home, "cairn.db"), { readonly: true });
  const cas = join(deps.config.home, "cas", "sha256");
  try {
    const n = (sql: string) => (db.query(sql).get() as { n: number }).n;
    return {
      attestations: n("SELECT count(*) AS n FROM attestations"),
      succeeded: n("SELECT count(*) AS n FROM workflow_runs WHERE state = 'succeeded'"),
      referrers: n("SELECT count(*) AS n FROM referrers"),
      blobs: existsSync(cas) ? readdirSync(cas, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0,
    };
  } finally {
    db.close();
  }
}

/** Re-encodes a bundle after editing its JSON (outside or inside the signed payload). */
export function editBundle(bytes: Uint8Array, edit: (json: BundleJson) => void): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(bytes)) as BundleJson;
  edit(json);
  return new TextEncoder().encode(JSON.stringify(json));
}

export interface BundleJson {
  mediaType: string;
  verificationMaterial: { publicKey: { hint?: string } };
  dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] };
}
