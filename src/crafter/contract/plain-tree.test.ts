import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readContractTree } from "./parse.ts";
import { readPlainTree } from "./plain-tree.ts";
import { CHAINLOOP_KINDS, parse } from "./test-support.ts";
import { readTree } from "./tree.ts";

const ROOT = join(import.meta.dir, "../../..");
/** Every contract and policy document in the repository: fixtures, fuzz seeds, the built-in policies. */
const FILES = ["fixtures", "test/fuzz/seeds", "src/crafter/policy/builtin"]
  .flatMap((dir) => [...new Bun.Glob(`${dir}/**/*.{yaml,yml,json}`).scanSync(ROOT)])
  .sort();
const texts = FILES.map((f) => [f, readFileSync(join(ROOT, f), "utf8")] as const).filter(([, t]) => t.length < 256 * 1024);

/** The full path's result for `text`: a Contract, or the CONTRACT_INVALID error's message and details. */
function fullContract(text: string, source: string): unknown {
  try {
    return readContractTree(readTree(text, source), { source, knownKinds: CHAINLOOP_KINDS });
  } catch (e) {
    return { error: (e as Error).message, details: (e as { details?: unknown }).details };
  }
}

function parsed(text: string, source: string): unknown {
  try {
    return parse(text, source);
  } catch (e) {
    return { error: (e as Error).message, details: (e as { details?: unknown }).details };
  }
}

/** readPlainTree gives readTree's root or nothing: never a different tree, never one readTree refuses. */
function expectSameOrNone(text: string): boolean {
  let plain;
  try {
    plain = readPlainTree(text, "c.yaml");
  } catch {
    return false; // over a budget: readTree throws the same TOO_LARGE
  }
  if (plain === undefined) return false;
  expect(plain.root).toEqual(readTree(text, "c.yaml").root);
  return true;
}

describe("readPlainTree", () => {
  test("the repository's contracts and policies: the same tree as readTree, or none", () => {
    expect(texts.length).toBeGreaterThan(20);
    const fast = texts.filter(([, t]) => expectSameOrNone(t)).map(([f]) => f);
    expect(fast).toContain("fixtures/contracts/demo.yaml");
  });

  test("every contract fixture parses to the Contract (or the error) of the yaml library's path", () => {
    for (const [f, t] of texts.filter(([f]) => f.startsWith("fixtures/contracts/"))) {
      const source = f.split("/").pop()!;
      expect(parsed(t, source)).toEqual(fullContract(t, source));
    }
  });

  test("a plain contract is read on Bun's parser", () => {
    const text = "schemaVersion: v1\nmaterials:\n  - name: m0\n    type: ARTIFACT\n    optional: true\nenvAllowList: [A, B]\n";
    expect(readPlainTree(text, "c.yaml")?.root).toEqual(readTree(text, "c.yaml").root);
    // a flow mapping's entries are over-counted (one may lack a colon): read by the library, still the same tree
    expect(readPlainTree("materials:\n  - {name: m1, type: STRING}\n", "c.yaml")).toBeUndefined();
  });

  test.each([
    ["a duplicate key", "materials:\n  - name: a\n    name: b\n"],
    ["a duplicate key in a flow mapping", "a: {b: x, b: y}\n"],
    ["a duplicate top-level key after a comment", "# note: x\nname: a\nname: b\n"],
    ["a number (its source text matters)", "version: 1.10\n"],
    ["an anchor and alias", "a: &x v\nb: *x\n"],
    ["a tag", "a: !!str v\n"],
    ["a merge key", "a:\n  <<: {b: c}\n"],
    ["an explicit key", "? a\n: b\n"],
    ["a collection key", "[a]: x\n"],
    ["a key the core schema reads as a boolean", "True: x\n"],
    ["a key Bun reads as a number", ".nan: x\n"],
    ["an integer key (objects reorder them)", "b: x\n2: y\n"],
    ["__proto__", "__proto__: x\n"],
    ["two documents", "a: x\n---\nb: y\n"],
    ["a directive", "%YAML 1.1\n---\na: yes\n"],
    ["a tab in the indentation", "a:\n\tb: c\n"],
    ["a long key", `${"k".repeat(101)}: v\n`],
    ["a syntax error", "a: [b\n"],
    ["a byte order mark", "\uFEFF- a: b\n"],
    ["a plain value starting with a comma", "a: , b\n"],
  ])("%s: left to readTree", (_what, text) => {
    expect(readPlainTree(text, "c.yaml")).toBeUndefined();
  });

  test("one leading --- and comments before it are one document", () => {
    expect(readPlainTree("# c\n---\na: b\n", "c.yaml")?.root).toEqual(new Map([["a", "b"]]));
  });

  test("the fixtures with CRLF line ends, a byte order mark or a trailing comment: the same tree, or none", () => {
    for (const [, t] of texts) {
      const crlf = t.replace(/\r?\n/g, "\r\n");
      for (const v of [crlf, `\uFEFF${crlf}`, `${t}\n  # trailing: x\n`]) expectSameOrNone(v);
    }
  });

  test("seeded mutations of the fixtures: never a tree different from readTree's", () => {
    let seed = 17;
    // the high bits: an LCG's low bits repeat with a short period
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) >>> 12) % n;
    const bits = [" ", "\n", ":", "- ", "#", "'", '"', "[", "]", "{", "}", ",", "a", "x: ", "  ", "\t", "|", ">", "?", "&", "*", "!", "~", "0"];
    let fast = 0;
    for (let i = 0; i < 3000; i++) {
      let t = texts[rnd(texts.length)]![1];
      const lines = t.split("\n");
      const at = rnd(t.length + 1);
      const op = rnd(4);
      if (op === 0) t = t.slice(0, at) + t.slice(at + 1 + rnd(3));
      else if (op === 1) t = t.slice(0, at) + bits[rnd(bits.length)] + t.slice(at);
      else if (op === 2) (lines.splice(rnd(lines.length), 0, lines[rnd(lines.length)]!), (t = lines.join("\n")));
      else t = t.slice(0, at) + t.slice(rnd(t.length + 1));
      if (expectSameOrNone(t)) fast++;
    }
    expect(fast).toBeGreaterThan(100); // the fast path is exercised, not only refused
  });
});
