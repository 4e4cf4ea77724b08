import { expect, test } from "bun:test";
import { terminalWidth } from "./io.ts";

test("COLUMNS wins when it is a whole number of columns, on a terminal or not", () => {
  expect(terminalWidth("80", { isTTY: true, columns: 200 })).toBe(80);
  expect(terminalWidth("120", {})).toBe(120);
  expect(terminalWidth(" 72 ", { isTTY: false })).toBe(72);
});

test("an invalid COLUMNS is ignored: the terminal's width, else none", () => {
  for (const bad of ["", "0", "-5", "80.5", "wide", "1e3"]) {
    expect(terminalWidth(bad, { isTTY: true, columns: 132 })).toBe(132);
    expect(terminalWidth(bad, { isTTY: false })).toBeUndefined();
  }
});

test("stdout's columns when it is a terminal; piped with no COLUMNS, no width (tables stay unbounded)", () => {
  expect(terminalWidth(undefined, { isTTY: true, columns: 100 })).toBe(100);
  expect(terminalWidth(undefined, { isTTY: true, columns: 0 })).toBeUndefined();
  expect(terminalWidth(undefined, { isTTY: false, columns: 100 })).toBeUndefined();
  expect(terminalWidth(undefined, {})).toBeUndefined();
});
