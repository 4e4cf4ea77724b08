// Deterministic mutations of seed inputs for the fuzz suite: a seeded PRNG picks the mutator and its parameters, so
// a failure names a (seed, index) that replays exactly.

/** mulberry32: small, fast, good enough to sample mutations reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = new TextEncoder();
const NESTING = ["[", "{", '{"a":', "<a>", "- ", "&x ", "*x ", '"', "\\", "\u0000", "\uFEFF", "\u2028"];

export interface Mutation {
  name: string;
  bytes: Uint8Array;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) (out.set(p, off), (off += p.length));
  return out;
};

/** One mutant of `seed`, chosen by `rand`: flipped bytes, a cut, a repeated slice, injected nesting or junk. */
export function mutate(seed: Uint8Array, rand: () => number): Mutation {
  const at = (n = seed.length) => Math.floor(rand() * (n + 1));
  const ops: (() => Mutation)[] = [
    () => {
      const out = new Uint8Array(seed);
      const n = 1 + Math.floor(rand() * 16);
      for (let i = 0; i < n && out.length > 0; i++) out[Math.min(out.length - 1, at())] = Math.floor(rand() * 256);
      return { name: `flip${n}`, bytes: out };
    },
    () => {
      const cut = at();
      return { name: `cut@${cut}`, bytes: seed.subarray(0, cut) };
    },
    () => {
      const from = at();
      const len = Math.min(seed.length - from, 1 + Math.floor(rand() * 64));
      const times = 1 + Math.floor(rand() * 20_000);
      const slice = seed.subarray(from, from + len);
      return { name: `repeat${len}x${times}@${from}`, bytes: concat(seed.subarray(0, from), ...Array.from({ length: times }, () => slice), seed.subarray(from)) };
    },
    () => {
      const token = NESTING[Math.floor(rand() * NESTING.length)]!;
      const times = 1 + Math.floor(rand() * 50_000);
      const where = at();
      return { name: `inject${JSON.stringify(token)}x${times}@${where}`, bytes: concat(seed.subarray(0, where), enc.encode(token.repeat(times)), seed.subarray(where)) };
    },
    () => {
      const from = at();
      const to = Math.min(seed.length, from + Math.floor(rand() * 256));
      return { name: `delete${from}-${to}`, bytes: concat(seed.subarray(0, from), seed.subarray(to)) };
    },
  ];
  return ops[Math.floor(rand() * ops.length)]!();
}
