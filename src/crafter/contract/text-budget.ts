import { CairnError } from "../../errors.ts";

/**
 * Budget checks on contract and policy text, before the YAML parser sees it. The `yaml` library costs about 3 µs per
 * byte and far more per alias (1.4 MB of `- *x` lines: 7 s), and it overflows the stack on deep flow nesting after
 * 2 s and 330 MiB; contracts and policies are small documents, and `cairn serve` parses them on its request thread.
 * One linear pass over the text: its size, the alias tokens (`*name`) and the depth of `[`/`{` outside quotes and
 * comments (and of `- - -` on one line). An over-count inside a block scalar only errs on the side of refusing.
 */

export const MAX_TEXT_BYTES = 256 * 1024;
/** As many as tree.ts copies through aliases at most (each alias copies at least one node): more could never load. */
export const MAX_ALIASES = 5_000;
/** Far past tree.ts's own depth limit of 64 (which names the path): this one only keeps the parser off its stack limit. */
export const MAX_FLOW_DEPTH = 1000;

const HINT = "A contract or policy is a small document: remove the bulk, deep nesting or the YAML aliases.";

export interface TextShape {
  aliases: number;
  flowDepth: number;
}

/** Alias tokens and the deepest flow nesting of YAML/JSON text, in one pass. */
export function textShape(text: string): TextShape {
  let aliases = 0;
  let depth = 0;
  let flowDepth = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
      continue;
    }
    const prev = i === 0 ? "\n" : text[i - 1]!;
    const tokenStart = prev === " " || prev === "\t" || prev === "\n" || prev === "," || prev === "[" || prev === "{" || prev === ":" || prev === "-";
    if (c === "#" && (prev === " " || prev === "\t" || prev === "\n")) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl - 1;
    } else if ((c === '"' || c === "'") && tokenStart) quote = c;
    else if (c === "[" || c === "{") flowDepth = Math.max(flowDepth, ++depth);
    else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
    else if (c === "*" && tokenStart && /[^\s,[\]{}]/.test(text[i + 1] ?? " ")) aliases++;
  }
  // `- - - x` nests block sequences on one line (the yaml library took 1.3 s on 41,000 of them): nesting too.
  for (const m of text.matchAll(/^[ \t]*((?:-[ \t]+){2,})/gm)) flowDepth = Math.max(flowDepth, m[1]!.split("-").length - 1);
  return { aliases, flowDepth };
}

/** Throws TOO_LARGE (HTTP 413, exit 1) when `text` is over a budget: refused before any parsing starts. */
export function checkTextBudget(text: string, source: string): void {
  const fail = (why: string, details: Record<string, number>) => new CairnError("TOO_LARGE", `${source}: ${why}`, { hint: HINT, details });
  if (text.length > MAX_TEXT_BYTES) throw fail(`is ${text.length} characters, over the limit of ${MAX_TEXT_BYTES}`, { maxTextBytes: MAX_TEXT_BYTES });
  const shape = textShape(text);
  if (shape.aliases > MAX_ALIASES) throw fail(`has ${shape.aliases} YAML aliases, over the limit of ${MAX_ALIASES}`, { maxAliases: MAX_ALIASES });
  if (shape.flowDepth > MAX_FLOW_DEPTH) throw fail(`nests [ ] / { } deeper than ${MAX_FLOW_DEPTH} levels`, { maxFlowDepth: MAX_FLOW_DEPTH });
}
