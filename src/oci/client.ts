/** cairn's OCI distribution client for one registry host: composes http/auth, uploads, manifests and referrers. */
import { openBlob, readBlob } from "./blobs.ts";
import { RegistryHttp, type Sleep } from "./http.ts";
import { getManifest, headManifest, listTags, putManifest } from "./manifests.ts";
import { referrers } from "./referrers.ts";
import type { OciClient, RegistryOptions } from "./types.ts";
import { hasBlob, pushBlob } from "./upload.ts";

export interface InternalOciClient extends OciClient {
  /** The transport, for helpers in src/oci that need more than the public contract (If-Match updates). */
  readonly http: RegistryHttp;
}

export function createOciClient(opts: RegistryOptions, sleep?: Sleep): InternalOciClient {
  const http = new RegistryHttp(opts, sleep);
  return {
    registry: opts.registry,
    http,
    async ping() {
      const res = await http.send({ method: "GET", url: "/v2/", what: "/v2/ (ping)", ok: [200] });
      await res.body?.cancel();
    },
    hasBlob: (repository, digest) => hasBlob(http, repository, digest),
    pushBlob: (repository, src, o) => pushBlob(http, repository, src, o),
    openBlob: (repository, digest) => openBlob(http, repository, digest),
    readBlob: (repository, digest) => readBlob(http, repository, digest),
    headManifest: (repository, reference) => headManifest(http, repository, reference),
    getManifest: (repository, reference) => getManifest(http, repository, reference),
    putManifest: (repository, reference, bytes, mediaType) => putManifest(http, repository, reference, bytes, mediaType),
    referrers: (repository, digest, artifactType) => referrers(http, repository, digest, artifactType),
    listTags: (repository) => listTags(http, repository),
  };
}
