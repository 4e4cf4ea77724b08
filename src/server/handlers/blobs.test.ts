// Downloads from a blob store without local file paths (a remote adapter): streamed, verified on the way.
import { afterAll, expect, test } from "bun:test";
import { testStore } from "../../services/control/runs.testutil.ts";
import { createToken } from "../../services/control/tokens.ts";
import type { BlobStore } from "../../store/ports.ts";
import { sha } from "../api.testutil.ts";
import { startServer } from "../server.ts";

const s = await testStore();
const disk = s.app.blobs;
let corrupt = false;
/** The disk store minus pathFor; `corrupt` flips the first byte of what it reads. */
const remote: BlobStore = {
  ingestFile: (p, o) => disk.ingestFile(p, o),
  putBytes: (b) => disk.putBytes(b),
  ingestStream: (c, o) => disk.ingestStream(c, o),
  has: (d) => disk.has(d),
  read: (d) => disk.read(d),
  openRead: async (d) => {
    const b = await disk.openRead(d);
    if (!corrupt) return b;
    async function* flipped(): AsyncGenerator<Uint8Array> {
      let first = true;
      for await (const c of b.chunks) {
        const copy = new Uint8Array(c);
        if (first) copy[0] = copy[0]! ^ 1;
        first = false;
        yield copy;
      }
    }
    return { size: b.size, chunks: flipped() };
  },
};
const token = (await createToken(s.app, { name: "ci" })).token;
const server = startServer({ app: { ...s.app, blobs: remote }, hostname: "127.0.0.1", port: 0, limits: { maxBodyBytes: 1024, maxBlobBytes: 1 << 22 }, log: () => {} });
afterAll(async () => {
  await server.stop(500);
  s.cleanup();
});

test("without a local path the blob streams (chunked) with its digest headers; corruption aborts the body", async () => {
  const data = new Uint8Array(2_500_000).map((_, i) => i % 253);
  const headers = { Authorization: `Bearer ${token}` };
  expect((await fetch(`${server.url}/api/v1/blobs`, { method: "POST", headers, body: data })).status).toBe(201);
  const res = await fetch(`${server.url}/api/v1/blobs/${sha(data)}`, { headers });
  expect([res.status, res.headers.get("etag")]).toEqual([200, `"${sha(data)}"`]);
  expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(sha(data));
  corrupt = true;
  const bad = await fetch(`${server.url}/api/v1/blobs/${sha(data)}`, { headers });
  expect(bad.status).toBe(200); // sent before the end of the blob shows the damage
  expect(await bad.arrayBuffer().then(() => "complete", () => "aborted")).toBe("aborted");
});
