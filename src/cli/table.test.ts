import { describe, expect, test } from "bun:test";
import { MIN_COLUMN, renderTable, wrapText, type TableSpec } from "./table.ts";

const HEX = "12d6ca6f" + "0123456789abcdef".repeat(3) + "98765432";
const DIGEST = `sha256:${HEX}`;
const cp = (s: string) => [...s].length;
const longest = (out: string) => Math.max(...out.split("\n").map(cp));
/** The cells of a table line, trimmed. */
const cells = (line: string) => line.split("│").slice(1, -1).map((c) => c.trim());

test("key/value table with a separator between rows", () => {
  expect(renderTable({ rows: [["Name", "build"], ["Project", "skynet"]] })).toBe(
    ["┌─────────┬────────┐", "│ Name    │ build  │", "├─────────┼────────┤", "│ Project │ skynet │", "└─────────┴────────┘"].join("\n"),
  );
});

test("titled table with a header row", () => {
  expect(renderTable({ title: "Materials", head: ["NAME", "SET"], rows: [["sbom", "Yes"]] })).toBe(
    [
      "┌────────────┐",
      "│ Materials  │",
      "├──────┬─────┤",
      "│ NAME │ SET │",
      "├──────┼─────┤",
      "│ sbom │ Yes │",
      "└──────┴─────┘",
    ].join("\n"),
  );
});

const runs: TableSpec = {
  head: ["ID", "Name", "Value", "Digest"],
  rows: [
    ["6f1c2a9e-2b4d-4c57-9a0e-3f3c1f0a8d21", "build", "v".repeat(120), DIGEST],
    ["0b7e4d11-98aa-4f0c-b1d2-5e6f7a8b9c0d", "release-candidate", "short", "-"],
  ],
};

describe("fitted to a width", () => {
  for (const width of [100, 80, 40]) {
    test(`no line is longer than ${width} and the widest cell is cut with …`, () => {
      const out = renderTable(runs, { width });
      expect(longest(out)).toBe(width);
      expect(out).toContain("vvv…");
      expect(out).not.toContain("v".repeat(120));
    });
  }

  test("the widest columns shrink first, to one level: narrower cells stay whole", () => {
    const lines = renderTable(runs, { width: 100 }).split("\n");
    // 87 columns of cells: name (17) and digest (16) whole, id (36) and value (120) share the 54 left
    expect(cells(lines[3]!)).toEqual(["6f1c2a9e-2b4d-4c57-9a0e-3f…", "build", `${"v".repeat(26)}…`, "sha256:12d6ca6f…"]);
    expect(cells(lines[4]!)).toEqual(["0b7e4d11-98aa-4f0c-b1d2-5e…", "release-candidate", "short", "-"]);
  });

  test("no column below the minimum (or its header): past that the table overflows, every cell still readable", () => {
    const head = ["a", "b", "c", "d", "Attestation"];
    const out = renderTable({ head, rows: [["x".repeat(30), "y".repeat(30), "z".repeat(30), "w".repeat(30), "q".repeat(30)]] }, { width: 30 });
    const row = cells(out.split("\n")[3]!);
    expect(row.map(cp)).toEqual([MIN_COLUMN, MIN_COLUMN, MIN_COLUMN, MIN_COLUMN, "Attestation".length]);
    expect(row[0]).toBe(`${"x".repeat(MIN_COLUMN - 1)}…`);
    expect(longest(out)).toBeGreaterThan(30);
    expect(cells(out.split("\n")[1]!)).toEqual(["A", "B", "C", "D", "ATTESTATION"]);
  });

  test("a key/value table keeps its keys whole and cuts the values", () => {
    const out = renderTable({ rows: [["Runner URL", "https://ci.example.com/" + "p".repeat(100)], ["Workflow", "build"]] }, { width: 40 });
    expect(longest(out)).toBe(40);
    expect(cells(out.split("\n")[1]!)[0]).toBe("Runner URL");
  });

  test("a wrapped column breaks at spaces and loses nothing", () => {
    const description = "No component of a CycloneDX or SPDX SBOM is under a banned license, by exact name or by package URL prefix.";
    const out = renderTable({ head: ["name", "description"], rows: [["builtin:banned-licenses", description]], wrap: [1] }, { width: 50 });
    expect(longest(out)).toBeLessThanOrEqual(50);
    const lines = out.split("\n").slice(3, -1);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.map((l) => cells(l)[1]).join(" ")).toBe(description);
    expect(cells(lines[0]!)[0]).toBe("builtin:banned-licenses");
    expect(cells(lines[1]!)[0]).toBe("");
  });

  test("a title wider than the width wraps inside it", () => {
    const title = `Orphans (unreferenced; \`cairn store gc\` collects them) of ${"the organization ".repeat(5)}`.trim();
    const out = renderTable({ title, head: ["Digest", "Size"], rows: [[DIGEST, "12"]] }, { width: 40 });
    expect(longest(out)).toBe(40);
    const titleLines = out.split("\n").slice(1, out.split("\n").findIndex((l) => l.startsWith("├")));
    expect(titleLines.length).toBeGreaterThan(1);
    expect(titleLines.map((l) => l.slice(2, -2).trim()).join(" ")).toBe(title);
  });

  test("a title wider than the table (and narrower than the width) widens the last column", () => {
    const out = renderTable({ title: "Environment Variables", head: ["NAME", "VALUE"], rows: [["CI", "1"]] }, { width: 80 });
    expect(out.split("\n")[0]).toBe(`┌${"─".repeat(23)}┐`);
  });
});

describe("digests", () => {
  const spec: TableSpec = { head: ["Image", "Digest"], rows: [[`ghcr.io/acme/app@${DIGEST}`, DIGEST], ["sha1:bc26a78678c36d50d69bd44fb0d956fc339d3b30", "sha256:abc"]] };

  test("full sha256 digests are shown short, alone or inside a cell; other values are left as they are", () => {
    const out = renderTable(spec, { width: 100 });
    expect(out).toContain("│ ghcr.io/acme/app@sha256:12d6ca6f… ");
    expect(out).toContain("│ sha256:12d6ca6f… │");
    expect(out).toContain("sha1:bc26a78678c36d50d69bd44fb0d956fc339d3b30");
    expect(out).toContain("sha256:abc ");
    expect(out).not.toContain(HEX);
    // short even when no width is given
    expect(renderTable(spec, {})).not.toContain(HEX);
  });

  test("--full (full: true) keeps every digest and value whole, whatever the width", () => {
    const out = renderTable({ ...spec, rows: [...spec.rows, ["v".repeat(120), "x"]] }, { width: 40, full: true });
    expect(out).toContain(`ghcr.io/acme/app@${DIGEST}`);
    expect(out).toContain("v".repeat(120));
    expect(longest(out)).toBeGreaterThan(120);
  });

  test("keepDigests (what `att push` prints for copying): digests whole and their cells never cut", () => {
    const out = renderTable({ rows: [["Digest", DIGEST], ["Stored At", `/home/ci/.cairn/cas/${"d".repeat(80)}`]], keepDigests: true }, { width: 80 });
    expect(out).toContain(`│ ${DIGEST} │`);
    expect(out).toContain("ddd…");
  });
});

test("no width and not full (output piped, no COLUMNS) is the unbounded table of before", () => {
  // renderTable's default comes from io.ts `display`, which commands get from program.ts; unset, it is this
  const out = renderTable(runs);
  expect(out).toBe(renderTable(runs, { full: true }));
  expect(out).toContain("v".repeat(120));
  expect(out).toContain(DIGEST);
});

test("wrapText breaks at spaces, and inside a word longer than the width", () => {
  expect(wrapText("a bb ccc dddd", 6)).toEqual(["a bb", "ccc", "dddd"]);
  expect(wrapText("x".repeat(13), 5)).toEqual(["xxxxx", "xxxxx", "xxx"]);
  expect(wrapText("fits", 10)).toEqual(["fits"]);
});
