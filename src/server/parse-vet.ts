import { CairnError } from "../errors.ts";
import type { VetAnswer } from "./parse-worker.ts";

/**
 * Contract and policy text off the request thread first (issue 18). The YAML library is linear but slow on hostile
 * text (a 250 KB document of nested compact mappings: 0.7 s), and `cairn serve` runs every handler on one thread, so
 * one such body would stall every other client. Text is parsed on a worker thread first; only when that took at most
 * VET_BUDGET_MS does the handler parse it again (the route's own parse, with its own messages). Slower text is
 * refused with TOO_LARGE (413); a parse still running at VET_TIMEOUT_MS is cut by replacing the worker.
 */

export const VET_BUDGET_MS = 150;
const VET_TIMEOUT_MS = 1000;

export interface TextVetter {
  /** Resolves when `text` parses within the budget; throws TOO_LARGE otherwise. `what` names it ("field text"). */
  vet(text: string, what: string): Promise<void>;
  stop(): void;
}

/** Unbundled the worker is the file beside this one; in the compiled binary build.ts embeds it as an entrypoint. */
function workerSpecifier(): string {
  return import.meta.url.includes("/$bunfs/") ? "./server/parse-worker.ts" : new URL("./parse-worker.ts", import.meta.url).href;
}

// A contract much like a real one, parsed a few times at start so the worker's first real parse is not a cold one.
const WARM_UP = `schemaVersion: v1\nmaterials:\n${Array.from({ length: 40 }, (_, i) => `  - type: ARTIFACT\n    name: m${i}\n    annotations: [{name: a, value: "v"}]\n`).join("")}`;

interface Pending {
  text: string;
  resolve: (ms: number) => void;
}

export function startTextVetter(onError: (message: string) => void): TextVetter {
  let worker: Worker;
  let nextId = 0;
  const queue = new Map<number, Pending>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const arm = (): void => {
    clearTimeout(timer);
    const head = queue.keys().next();
    if (head.done) return;
    const id = head.value;
    timer = setTimeout(() => {
      // The text at the head has run for VET_TIMEOUT_MS: refuse it, start a fresh worker, resend the others.
      const p = queue.get(id);
      queue.delete(id);
      worker.terminate();
      spawn();
      for (const [other, q] of queue) worker.postMessage({ id: other, text: q.text });
      arm();
      p?.resolve(Infinity);
    }, VET_TIMEOUT_MS);
  };

  const spawn = (): void => {
    worker = new Worker(workerSpecifier());
    worker.onmessage = (e: MessageEvent<VetAnswer>) => {
      const p = queue.get(e.data.id);
      if (!p) return;
      queue.delete(e.data.id);
      arm();
      p.resolve(e.data.ms);
    };
    worker.onerror = (e) => onError(`parse vetter: ${e.message}`);
    for (let i = 0; i < 3; i++) worker.postMessage({ id: -1 - i, text: WARM_UP });
  };
  spawn();

  return {
    async vet(text, what) {
      if (stopped) return;
      const id = nextId++;
      const ms = await new Promise<number>((resolve) => {
        queue.set(id, { text, resolve });
        worker.postMessage({ id, text });
        if (queue.size === 1) arm();
      });
      if (ms > VET_BUDGET_MS) {
        const took = Number.isFinite(ms) ? `${Math.round(ms)} ms` : `more than ${VET_TIMEOUT_MS} ms`;
        throw new CairnError("TOO_LARGE", `${what} takes ${took} to parse, over the server's budget of ${VET_BUDGET_MS} ms`, {
          hint: "A contract or policy is a small document: remove the bulk or the deep nesting.",
          details: { maxParseMs: VET_BUDGET_MS },
        });
      }
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      worker.terminate();
      for (const p of queue.values()) p.resolve(0);
      queue.clear();
    },
  };
}
