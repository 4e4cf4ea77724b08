import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOciClient } from "../../oci/client.ts";
import { startRegistry, type RunningRegistry } from "../../oci/registry.testutil.ts";
import type { OciClient } from "../../oci/types.ts";
import { OciBlobStore } from "../../store/oci/oci-blob-store.ts";
import { checkRemote } from "./fsck-remote.ts";

let registry: RunningRegistry;
let client: OciClient;
const enc = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
  registry = await startRegistry();
  client = createOciClient({ registry: registry.host, insecureHttp: true, backoffMs: 1 });
});
afterAll(() => registry.stop());

/** The real client, but the registry serves other bytes for every blob (a tampering registry or middlebox). */
function tampering(real: OciClient): OciClient {
  return {
    ...real,
    registry: real.registry,
    ping: () => real.ping(),
    hasBlob: (r, d) => real.hasBlob(r, d),
    headManifest: (r, ref) => real.headManifest(r, ref),
    openBlob: async () => ({ size: 5, chunks: (async function* () { yield enc("other"); })() }),
  };
}

describe("checkRemote (store fsck --remote) against docker-registry", () => {
  test("a tagged blob is held; --deep re-hashes it and a registry serving other bytes is remote-corrupt", async () => {
    const store = new OciBlobStore(async () => client, "team/fsck", "reg (test)");
    const ref = await store.putBytes(enc("evidence kept in a registry\n"), { name: "e.txt" });
    expect(await checkRemote([store], ref.digest, true)).toEqual({ held: true });
    const bad = new OciBlobStore(async () => tampering(client), "team/fsck", "bad (proxy)");
    expect(await checkRemote([bad], ref.digest, false)).toEqual({ held: true }); // without --deep only HEADs are sent
    const r = await checkRemote([bad], ref.digest, true);
    expect(r).toEqual({ held: true, problem: { kind: "remote-corrupt", digest: ref.digest, backend: "bad (proxy)", actual: expect.stringMatching(/^sha256:/) as unknown as string } });
  });

  test("an untagged digest is held by no backend; the first backend holding it decides", async () => {
    const empty = new OciBlobStore(async () => client, "team/empty", "empty");
    const full = new OciBlobStore(async () => client, "team/full", "full");
    const ref = await full.putBytes(enc("only in full\n"));
    expect(await checkRemote([empty], ref.digest, true)).toEqual({ held: false });
    expect(await checkRemote([empty, full], ref.digest, true)).toEqual({ held: true });
  });
});
