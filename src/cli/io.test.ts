import { expect, test } from "bun:test";
import { isTerminal, terminalWidth } from "./io.ts";

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

test("writeAll waits on a full non-blocking pipe and writes every byte", async () => {
  // Touching process.stdout makes the pipe non-blocking (Bun sets O_NONBLOCK); 4 MiB overfill it while nobody reads.
  const script = `import { writeAll } from ${JSON.stringify(`${import.meta.dir}/io.ts`)}; void process.stdout; writeAll(1, "x".repeat(4 << 20)); writeAll(2, "done");`;
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  await Bun.sleep(300);
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  expect(await child.exited).toBe(0);
  expect(err).toBe("done");
  expect(out.length).toBe(4 << 20);
});

test("isTerminal: a pipe or a file is none", () => {
  const { openSync, closeSync } = require("node:fs") as typeof import("node:fs");
  const fd = openSync(import.meta.path, "r");
  try {
    expect(isTerminal(fd)).toBe(false);
  } finally {
    closeSync(fd);
  }
  expect(isTerminal(987654)).toBe(false);
});
