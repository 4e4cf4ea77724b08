import { expect, test } from "bun:test";
import { stripVTControlCharacters as node } from "node:util";
import { stripVTControlCharacters } from "./vt-strip.ts";

test("strips what node:util's stripVTControlCharacters strips, for the escapes help text and terminals use", () => {
  const samples = [
    "plain text, no escapes",
    "\u001b[1mbold\u001b[22m and \u001b[31mred\u001b[39m",
    "\u001b[38;5;196m256 colours\u001b[0m, \u001b[48;2;10;20;30mtruecolor\u001b[m",
    "\u009b31mC1 CSI\u009b0m",
    "\u001b]8;;https://example.com\u0007a link\u001b]8;;\u0007",
    "cursor \u001b[2K\u001b[1Gmoves",
    "unicode ✓ stays, tabs\tand\nnewlines too",
  ];
  for (const s of samples) expect(stripVTControlCharacters(s)).toBe(node(s));
  // an OSC string ended by ESC \ goes whole (node:util keeps its parameters: ";window title\after")
  expect(stripVTControlCharacters("\u001b]0;window title\u001b\\after")).toBe("after");
});
