// The parse vetter's thread (parse-vet.ts): parses contract and policy text the way readTree does and reports how
// long that took, so that `cairn serve`'s request thread only ever parses text known to be cheap.
import { readTree } from "../crafter/contract/tree.ts";

declare const self: Worker;

// Parse times are measured here: with the normal JIT policy, not the binary's held-back start (build.ts jitPolicy).
Bun.unsafe.setJITPolicy(1);

export interface VetRequest {
  id: number;
  text: string;
}

export interface VetAnswer {
  id: number;
  ms: number;
}

self.onmessage = (e: MessageEvent<VetRequest>) => {
  const started = performance.now();
  try {
    readTree(e.data.text, "text");
  } catch {
    // Refused text is refused again, as quickly, on the request thread, with the message of the route.
  }
  postMessage({ id: e.data.id, ms: performance.now() - started } satisfies VetAnswer);
};
