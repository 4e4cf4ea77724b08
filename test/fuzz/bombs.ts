// Decompression bombs in milliseconds: a raw-deflate segment of 1 MiB of zeros, sync-flushed (byte-aligned, no
// back-reference before its start), repeated, then an empty final block. Compressing 1 GiB of zeros outright takes
// node:zlib 3.6 s; this takes a few ms and gives the same ~1000:1 ratio.
import { constants, crc32, deflateRawSync } from "node:zlib";

const MiB = 1024 * 1024;
const ZEROS = new Uint8Array(MiB);
const SEGMENT = deflateRawSync(ZEROS, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
const FINAL = deflateRawSync(new Uint8Array(0));

interface Deflated {
  raw: Uint8Array;
  crc: number;
  size: number;
}

/** `prefix` then `mib` MiB of zeros, as raw deflate with the CRC-32 and size of the whole. */
function deflateZeros(prefix: Uint8Array, mib: number): Deflated {
  const head = deflateRawSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH });
  const raw = Buffer.concat([head, ...Array.from({ length: mib }, () => SEGMENT), FINAL]);
  let crc = crc32(prefix);
  for (let i = 0; i < mib; i++) crc = crc32(ZEROS, crc);
  return { raw, crc: crc >>> 0, size: prefix.length + mib * MiB };
}

/** A zip of one deflated member of `mib` MiB of zeros; `declared` overrides the size it claims. */
export function zipBomb(name: string, mib: number, declared?: number): Uint8Array {
  const d = deflateZeros(new Uint8Array(0), mib);
  const n = Buffer.from(name);
  const size = declared ?? d.size;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(d.crc, 14);
  local.writeUInt32LE(d.raw.length, 18);
  local.writeUInt32LE(size >>> 0, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(d.crc, 16);
  central.writeUInt32LE(d.raw.length, 20);
  central.writeUInt32LE(size >>> 0, 24);
  central.writeUInt16LE(n.length, 28);
  const dirAt = 30 + n.length + d.raw.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + n.length, 12);
  eocd.writeUInt32LE(dirAt, 16);
  return new Uint8Array(Buffer.concat([local, n, d.raw, central, n, eocd]));
}

/** A gzip of `tarHeader` followed by `mib` MiB of zeros (a tar whose first member is that big). */
export function gzipBomb(tarHeader: Uint8Array, mib: number): Uint8Array {
  const d = deflateZeros(tarHeader, mib);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(d.crc, 0);
  trailer.writeUInt32LE(d.size >>> 0, 4);
  return new Uint8Array(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]), d.raw, trailer]));
}
