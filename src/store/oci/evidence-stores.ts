import type { OciClient } from "../../oci/types.ts";
import type { CasBackendRecord } from "../cas-backend-port.ts";
import { ChainedBlobStore } from "../cas/chained-blob-store.ts";
import type { BlobStore } from "../ports.ts";
import { s3Store, type S3StoreDeps } from "../s3/s3-store-for.ts";
import { OciBlobStore } from "./oci-blob-store.ts";

/**
 * The BlobStore the composition root hands to services: the local disk CAS alone while no CAS backend exists (as
 * before backends: no registry client, no network), else a chain writing to the default and reading from the
 * default, then the local CAS, then the other backends. One client per registry host, made on first use; an S3
 * backend's client (and its credentials, from `s3.env`) likewise on first use.
 */
export function evidenceStore(local: BlobStore, backends: CasBackendRecord[], clientFor: (registry: string) => Promise<OciClient>, s3?: S3StoreDeps): BlobStore {
  if (backends.length === 0) return local;
  const clients = new Map<string, Promise<OciClient>>();
  const client = (registry: string) => () => {
    let c = clients.get(registry);
    if (!c) clients.set(registry, (c = clientFor(registry)));
    return c;
  };
  const stores = backends.map((b) => ({ b, store: b.provider === "s3" ? s3Store(b, s3) : ociStore(b, client(registryPart(b.location))) }));
  const writer = stores.find((s) => s.b.isDefault)?.store ?? local;
  return new ChainedBlobStore(writer, [local, ...stores.map((s) => s.store)]);
}

export function ociStore(b: CasBackendRecord, makeClient: () => Promise<OciClient>): OciBlobStore {
  const slash = b.location.indexOf("/");
  return new OciBlobStore(makeClient, b.location.slice(slash + 1), `${b.name} (${b.location})`);
}

function registryPart(location: string): string {
  return location.slice(0, location.indexOf("/"));
}
