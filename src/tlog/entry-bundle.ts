/**
 * C2SP tlog-tiles entry bundles: each entry as `uint16 big-endian length ‖ bytes`, concatenated.
 */
import { CairnError } from "../errors.ts";

/** The largest entry an entry bundle can hold (uint16 length). */
export const MAX_ENTRY_SIZE = 65535;

export function encodeEntryBundle(entries: Uint8Array[]): Uint8Array {
  let total = 0;
  entries.forEach((e, i) => {
    if (e.length > MAX_ENTRY_SIZE) {
      throw new CairnError("TOO_LARGE", `log entry ${i} is ${e.length} bytes; an entry bundle holds at most ${MAX_ENTRY_SIZE}`, {
        hint: "reject the entry before it is sequenced",
      });
    }
    total += 2 + e.length;
  });
  const out = new Uint8Array(total);
  let off = 0;
  for (const e of entries) {
    out[off] = e.length >>> 8;
    out[off + 1] = e.length & 0xff;
    out.set(e, off + 2);
    off += 2 + e.length;
  }
  return out;
}

/** Splits an entry bundle into its entries (copies). Throws an Error naming the offset of a truncated record. */
export function decodeEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (off + 2 > bytes.length) {
      throw new Error(`entry bundle truncated at offset ${off}: a length prefix needs 2 bytes, ${bytes.length - off} left`);
    }
    const len = (bytes[off]! << 8) | bytes[off + 1]!;
    if (off + 2 + len > bytes.length) {
      throw new Error(`entry bundle truncated at offset ${off}: entry ${out.length} claims ${len} bytes, ${bytes.length - off - 2} left`);
    }
    out.push(bytes.slice(off + 2, off + 2 + len));
    off += 2 + len;
  }
  return out;
}
