// The BlobStore contract (contracts/blob-store-port.contract.testutil.ts) against the local disk CAS and a real registry
// (Debian's docker-registry); S3 runs it in s3/s3-blob-store.test.ts against Swift.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOciClient } from "../oci/client.ts";
import { startRegistry } from "../oci/registry.testutil.ts";
import { blobStoreContract } from "./contracts/blob-store-port.contract.testutil.ts";
import { DiskBlobStore } from "./cas/disk-blob-store.ts";
import { OciBlobStore } from "./oci/oci-blob-store.ts";

blobStoreContract("DiskBlobStore", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-contract-disk-"));
  const store = new DiskBlobStore(join(dir, "cas"));
  return {
    store,
    corrupt: async (digest, bytes) => writeFileSync(store.pathFor(digest), bytes),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

/** A proxy in front of the registry that serves other bytes for the blobs corrupt() names: a tampering registry. */
blobStoreContract("OciBlobStore (docker-registry)", async () => {
  const registry = await startRegistry();
  const tampered = new Map<string, Uint8Array>();
  const proxy = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const digest = url.pathname.match(/\/blobs\/(sha256:[0-9a-f]{64})$/)?.[1];
      const bad = req.method === "GET" && digest !== undefined ? tampered.get(digest) : undefined;
      if (bad) return new Response(bad, { headers: { "content-length": String(bad.length), "docker-content-digest": digest! } });
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
      return fetch(`http://${registry.host}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body, redirect: "manual" });
    },
  });
  const client = createOciClient({ registry: `127.0.0.1:${proxy.port}`, insecureHttp: true, backoffMs: 1, chunkBytes: 1024 * 1024 });
  return {
    store: new OciBlobStore(async () => client, "contract/evidence", "contract"),
    corrupt: async (digest, bytes) => void tampered.set(digest, bytes),
    close: async () => {
      proxy.stop(true);
      await registry.stop();
    },
  };
});
