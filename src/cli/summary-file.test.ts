import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summaryTargets, writeSummaries } from "./summary-file.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("summary targets and writing", () => {
  test("GITHUB_STEP_SUMMARY is appended to, --summary overwritten; both when both are given", () => {
    expect(summaryTargets(undefined, {})).toEqual([]);
    expect(summaryTargets(undefined, { GITHUB_STEP_SUMMARY: "/s" })).toEqual([{ path: "/s", append: true }]);
    expect(summaryTargets("f.md", { GITHUB_STEP_SUMMARY: "" })).toEqual([{ path: "f.md", append: false }]);
    expect(summaryTargets("f.md", { GITHUB_STEP_SUMMARY: "/s" })).toEqual([{ path: "/s", append: true }, { path: "f.md", append: false }]);
    expect(summaryTargets("/s", { GITHUB_STEP_SUMMARY: "/s" })).toEqual([{ path: "/s", append: true }]);
  });

  test("append keeps what was there; overwrite replaces it", () => {
    const gh = join(dir, "step.md");
    const file = join(dir, "summary.md");
    writeFileSync(gh, "earlier step\n");
    writeFileSync(file, "old\n");
    const warnings: string[] = [];
    writeSummaries([{ path: gh, append: true }, { path: file, append: false }], "# one\n", (m) => warnings.push(m));
    writeSummaries([{ path: gh, append: true }, { path: file, append: false }], "# two\n", (m) => warnings.push(m));
    expect(readFileSync(gh, "utf8")).toBe("earlier step\n# one\n\n# two\n\n");
    expect(readFileSync(file, "utf8")).toBe("# two\n");
    expect(warnings).toEqual([]);
  });

  test("a file that cannot be written only warns, naming it; the other targets are still written", () => {
    const ok = join(dir, "ok.md");
    const warnings: string[] = [];
    writeSummaries([{ path: join(dir, "no-such-dir", "s.md"), append: true }, { path: ok, append: false }], "# s\n", (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${join(dir, "no-such-dir", "s.md")} (GITHUB_STEP_SUMMARY)`);
    expect(readFileSync(ok, "utf8")).toBe("# s\n");
  });
});
