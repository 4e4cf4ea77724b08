// Test-only archive builders (imported by *.test.ts, never by production code). Archives are
// generated in tests rather than committed as binaries; the builders are deterministic (fixed
// times, no host data) so tests can assert exact digests.
import { gzipSync, zipSync, type ZipAttributes } from "fflate";

const enc = new TextEncoder();
const bytesOf = (b: string | Uint8Array): Uint8Array => (typeof b === "string" ? enc.encode(b) : b);

export interface TarSpec {
  name: string;
  body?: string | Uint8Array;
  /** typeflag, default "0". */
  type?: string;
  linkname?: string;
  /** Declared size when it should differ from the body length. */
  size?: number;
  /** pax records written in an "x" header before this member. */
  pax?: Record<string, string>;
  /** Break the header checksum. */
  badChecksum?: boolean;
}

function header(name: string, type: string, size: number, linkname = "", badChecksum = false): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, off: number, len: number): void => h.set(enc.encode(s).subarray(0, len), off);
  put(name, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(size.toString(8).padStart(11, "0") + "\0", 124, 12);
  put("00000000000\0", 136, 12);
  put(type, 156, 1);
  put(linkname, 157, 100);
  put("ustar\0" + "00", 257, 8);
  h.fill(32, 148, 156);
  let sum = h.reduce((a, b) => a + b, 0);
  if (badChecksum) sum += 1;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  return h;
}

function padded(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(body.length / 512) * 512);
  out.set(body);
  return out;
}

/** A ustar archive, written by hand so tests can produce any (also malicious) header. */
export function makeTar(specs: TarSpec[], opts: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of specs) {
    if (s.pax) {
      const recs = Object.entries(s.pax).map(([k, v]) => {
        const rec = ` ${k}=${v}\n`;
        const size = (n: number): number => enc.encode(`${n}${rec}`).length;
        let len = size(0);
        while (size(len) !== len) len = size(len);
        return `${len}${rec}`;
      });
      const data = enc.encode(recs.join(""));
      parts.push(header("PaxHeader", "x", data.length), padded(data));
    }
    const body = bytesOf(s.body ?? "");
    parts.push(header(s.name, s.type ?? "0", s.size ?? body.length, s.linkname, s.badChecksum), padded(body));
  }
  if (opts.end !== false) parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) (out.set(p, off), (off += p.length));
  return out;
}

export function gzip(b: Uint8Array): Uint8Array {
  return gzipSync(b, { mtime: 0, level: 6 });
}

export type ZipSpec = Record<string, string | Uint8Array | [string | Uint8Array, ZipAttributes]>;

/** A zip via fflate, with every DOS timestamp zeroed so the bytes do not depend on the time zone. */
export function makeZip(files: ZipSpec, level: 0 | 6 = 6): Uint8Array {
  const input: Record<string, Uint8Array | [Uint8Array, ZipAttributes]> = {};
  for (const [name, v] of Object.entries(files)) {
    input[name] = Array.isArray(v) ? [bytesOf(v[0]), v[1]] : bytesOf(v);
  }
  const z = zipSync(input, { level, mtime: new Date(Date.UTC(1990, 0, 1)) });
  const dv = new DataView(z.buffer, z.byteOffset, z.byteLength);
  // Walk the headers (fflate writes no data descriptors) and set time 00:00, date 1980-01-01.
  let i = 0;
  while (dv.getUint32(i, true) === 0x04034b50) {
    dv.setUint32(i + 10, 0x00210000, true);
    i += 30 + dv.getUint16(i + 26, true) + dv.getUint16(i + 28, true) + dv.getUint32(i + 18, true);
  }
  while (dv.getUint32(i, true) === 0x02014b50) {
    dv.setUint32(i + 12, 0x00210000, true);
    i += 46 + dv.getUint16(i + 28, true) + dv.getUint16(i + 30, true) + dv.getUint16(i + 32, true);
  }
  return z;
}
