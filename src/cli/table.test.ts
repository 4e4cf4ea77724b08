import { expect, test } from "bun:test";
import { renderTable } from "./table.ts";

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
