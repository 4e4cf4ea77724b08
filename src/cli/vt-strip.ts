/**
 * What commander takes from node:util: `stripVTControlCharacters`, to measure help text and strip colours. In the
 * compiled binary, importing it from node:util loads Node's whole inspect module (~6 ms of every start, measured
 * with --cpu-prof); build.ts points commander's `node:util` here instead. ECMA-48 escapes: CSI (ESC [ or 0x9B,
 * parameters, intermediates, a final byte) and OSC strings (ESC ], ended by BEL or ESC \), as terminals print them.
 */
const VT = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripVTControlCharacters(s: string): string {
  return s.replace(VT, "");
}
