/** The fake registry's in-memory content and its distribution-spec routes (blobs, uploads, manifests, referrers). */
const sha = (b: Uint8Array) => `sha256:${new Bun.CryptoHasher("sha256").update(b).digest("hex")}`;
const err = (status: number, code: string, message: string) => Response.json({ errors: [{ code, message }] }, { status });

interface Stored {
  bytes: Uint8Array;
  mediaType: string;
}

interface Session {
  repo: string;
  parts: Uint8Array[];
  size: number;
}

export class FakeStore {
  readonly blobs = new Map<string, Map<string, Uint8Array>>();
  readonly manifests = new Map<string, Map<string, Stored>>();
  readonly tags = new Map<string, Map<string, string>>();
  /** Tags per page when the client gives no `n` (registries may impose one); 0 = all. */
  tagPageSize = 0;
  private readonly sessions = new Map<string, Session>();
  private nextId = 1;

  private of<T>(m: Map<string, Map<string, T>>, repo: string): Map<string, T> {
    let r = m.get(repo);
    if (!r) m.set(repo, (r = new Map()));
    return r;
  }

  async handle(req: Request, url: URL, opts: { referrers: boolean }): Promise<Response> {
    const p = url.pathname;
    if (p === "/v2/" || p === "/v2") return Response.json({});
    const m = /^\/v2\/(.+?)\/(?:blobs\/uploads\/?([^/]*)|blobs\/(sha256:[a-f0-9]{64})|manifests\/([^/]+)|tags\/list|referrers\/(sha256:[a-f0-9]{64}))$/.exec(p);
    if (!m) return err(404, "NOT_FOUND", `no route ${p}`);
    const repo = m[1] ?? "";
    if (m[3]) return this.blob(req, repo, m[3]);
    if (m[4]) return this.manifest(req, repo, m[4], opts.referrers);
    if (m[5]) return opts.referrers ? this.referrers(repo, m[5], url) : err(404, "NOT_FOUND", "no referrers API");
    if (p.endsWith("/tags/list")) {
      const tags = this.tags.get(repo);
      if (!tags) return err(404, "NAME_UNKNOWN", repo);
      return this.tagPage(repo, [...tags.keys()].sort(), url);
    }
    return this.upload(req, url, repo, m[2] ?? "");
  }

  /** `?n=&last=` pagination with a `Link: <…>; rel="next"` header, as distribution does. */
  private tagPage(repo: string, all: string[], url: URL): Response {
    const n = Number(url.searchParams.get("n") ?? this.tagPageSize);
    const last = url.searchParams.get("last");
    const rest = last ? all.filter((t) => t > last) : all;
    const page = n > 0 ? rest.slice(0, n) : rest;
    const more = n > 0 && rest.length > n;
    const headers: Record<string, string> = more ? { link: `</v2/${repo}/tags/list?n=${n}&last=${page[page.length - 1]}>; rel="next"` } : {};
    return Response.json({ name: repo, tags: page }, { headers });
  }

  private blob(req: Request, repo: string, digest: string): Response {
    const b = this.blobs.get(repo)?.get(digest);
    if (!b) return err(404, "BLOB_UNKNOWN", digest);
    const headers = { "content-length": String(b.length), "docker-content-digest": digest };
    return new Response(req.method === "HEAD" ? null : b, { headers });
  }

  private async upload(req: Request, url: URL, repo: string, id: string): Promise<Response> {
    const location = (sid: string) => ({ location: `/v2/${repo}/blobs/uploads/${sid}?_state=s${this.nextId++}` });
    if (req.method === "POST") {
      const mount = url.searchParams.get("mount");
      const from = url.searchParams.get("from");
      const src = mount && from ? this.blobs.get(from)?.get(mount) : undefined;
      if (mount && src) {
        this.of(this.blobs, repo).set(mount, src);
        return new Response(null, { status: 201, headers: { location: `/v2/${repo}/blobs/${mount}`, "docker-content-digest": mount } });
      }
      const sid = `u${this.nextId++}`;
      this.sessions.set(sid, { repo, parts: [], size: 0 });
      return new Response(null, { status: 202, headers: location(sid) });
    }
    const s = this.sessions.get(id);
    if (!s || s.repo !== repo) return err(404, "BLOB_UPLOAD_UNKNOWN", id);
    if (req.method === "DELETE") {
      this.sessions.delete(id);
      return new Response(null, { status: 204 });
    }
    const body = new Uint8Array(await req.arrayBuffer());
    if (req.method === "PATCH") {
      const range = req.headers.get("content-range");
      if (range && Number(range.split("-")[0]) !== s.size) return err(416, "BLOB_UPLOAD_INVALID", `range ${range} at ${s.size}`);
      if (req.headers.get("content-type") !== "application/octet-stream") return err(400, "BLOB_UPLOAD_INVALID", "content-type");
      s.parts.push(body);
      s.size += body.length;
      return new Response(null, { status: 202, headers: { ...location(id), range: `0-${s.size - 1}` } });
    }
    if (req.method !== "PUT") return err(405, "UNSUPPORTED", req.method);
    s.parts.push(body);
    const all = new Uint8Array(await new Blob(s.parts).arrayBuffer());
    const digest = url.searchParams.get("digest");
    if (digest !== sha(all)) return err(400, "DIGEST_INVALID", `${digest} != ${sha(all)}`);
    this.sessions.delete(id);
    this.of(this.blobs, repo).set(digest, all);
    return new Response(null, { status: 201, headers: { location: `/v2/${repo}/blobs/${digest}`, "docker-content-digest": digest } });
  }

  private async manifest(req: Request, repo: string, ref: string, referrers: boolean): Promise<Response> {
    const digestOf = (r: string) => (r.startsWith("sha256:") ? r : this.tags.get(repo)?.get(r));
    if (req.method === "PUT") {
      const bytes = new Uint8Array(await req.arrayBuffer());
      const mediaType = req.headers.get("content-type");
      if (!mediaType) return err(400, "MANIFEST_INVALID", "no content-type");
      const digest = sha(bytes);
      const current = digestOf(ref);
      const ifMatch = req.headers.get("if-match");
      if (ifMatch && ifMatch !== `"${current}"`) return err(412, "PRECONDITION_FAILED", "etag mismatch");
      this.of(this.manifests, repo).set(digest, { bytes, mediaType });
      if (!ref.startsWith("sha256:")) this.of(this.tags, repo).set(ref, digest);
      const headers: Record<string, string> = { "docker-content-digest": digest, location: `/v2/${repo}/manifests/${digest}` };
      const subject = (JSON.parse(new TextDecoder().decode(bytes)) as { subject?: { digest: string } }).subject;
      if (subject && referrers) headers["oci-subject"] = subject.digest;
      return new Response(null, { status: 201, headers });
    }
    const digest = digestOf(ref);
    const m = digest ? this.manifests.get(repo)?.get(digest) : undefined;
    if (!m || !digest) return err(404, "MANIFEST_UNKNOWN", ref);
    const headers = { "content-type": m.mediaType, "docker-content-digest": digest, "content-length": String(m.bytes.length), etag: `"${digest}"` };
    return new Response(req.method === "HEAD" ? null : m.bytes, { headers });
  }

  private referrers(repo: string, subject: string, url: URL): Response {
    const want = url.searchParams.get("artifactType");
    const manifests = [];
    for (const [digest, m] of this.manifests.get(repo) ?? []) {
      const j = JSON.parse(new TextDecoder().decode(m.bytes)) as { subject?: { digest: string }; artifactType?: string; config?: { mediaType: string }; annotations?: Record<string, string> };
      if (j.subject?.digest !== subject) continue;
      const artifactType = j.artifactType ?? j.config?.mediaType;
      if (want && artifactType !== want) continue;
      manifests.push({ mediaType: m.mediaType, digest, size: m.bytes.length, artifactType, ...(j.annotations ? { annotations: j.annotations } : {}) });
    }
    const headers: Record<string, string> = { "content-type": "application/vnd.oci.image.index.v1+json" };
    if (want) headers["oci-filters-applied"] = "artifactType";
    return new Response(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }), { headers });
  }
}
