import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzip, makeTar, makeZip } from "../../src/crafter/archive/testing.ts";
import { FIXTURES, Sandbox } from "./harness.ts";

const SBOM = readFileSync(join(FIXTURES, "demo", "sbom.cdx.json"), "utf8");
const JUNIT = (n: number) => `<?xml version="1.0"?><testsuite name="s${n}" tests="2" failures="${n}" errors="0" skipped="0"><testcase name="a"/><testcase name="b"/></testsuite>`;

describe("archives of reports are exploded into one material per report, atomically", () => {
  const sb = new Sandbox();
  const state = () => (existsSync(sb.statePath) ? readFileSync(sb.statePath, "utf8") : null);
  beforeAll(() => {
    const other = SBOM.replace("skynet-control-plane", "skynet-worker");
    writeFileSync(sb.path("sboms.zip"), makeZip({ "b/worker.cdx.json": other, "a/control.cdx.json": SBOM }));
    writeFileSync(sb.path("junit.tar.gz"), gzip(makeTar([{ name: "r/one.xml", body: JUNIT(0) }, { name: "r/two.xml", body: JUNIT(1) }, { name: "r/readme.txt", body: "x" }])));
    writeFileSync(sb.path("evil.zip"), makeZip({ "../evil.cdx.json": SBOM }));
    writeFileSync(sb.path("mixed.zip"), makeZip({ "a.cdx.json": SBOM, "b.cdx.json": "{not json" }));
    sb.ok(["att", "init", "--workflow", "w", "--project", "p", "--dry-run"]);
  });
  afterAll(() => sb.cleanup());

  test("a zip of SBOMs: entries in path order named sbom, sbom-1, plus sbom-archive as EVIDENCE", () => {
    const added = sb.json<{ name: string; kind: string; value: string; annotations: Record<string, string> }[]>(["att", "add", "--name", "sbom", "--kind", "SBOM_CYCLONEDX_JSON", "--value", "sboms.zip"]);
    expect(added.map((m) => [m.name, m.kind, m.value])).toEqual([
      ["sbom", "SBOM_CYCLONEDX_JSON", "a/control.cdx.json"],
      ["sbom-1", "SBOM_CYCLONEDX_JSON", "b/worker.cdx.json"],
      ["sbom-archive", "EVIDENCE", "sboms.zip"],
    ]);
    expect(added[1]!.annotations["cairn.material.sbom.main_component.name"]).toBe("skynet-worker");
    expect(added[2]!.annotations["cairn.material.references"]).toBe('["sbom","sbom-1"]');
  });

  test("a tar.gz of JUnit reports, detected without --kind; non-XML entries are ignored", () => {
    const added = sb.json<{ name: string; kind: string }[]>(["att", "add", "--name", "tests", "--value", "junit.tar.gz"]);
    expect(added.map((m) => `${m.name}:${m.kind}`)).toEqual(["tests:JUNIT_XML", "tests-1:JUNIT_XML", "tests-archive:EVIDENCE"]);
  });

  test("path tricks and one invalid entry refuse the whole archive; the state is untouched", () => {
    const before = state();
    for (const bad of ["evil.zip", "mixed.zip"]) {
      const r = sb.run(["att", "add", "--name", "bad", "--kind", "SBOM_CYCLONEDX_JSON", "--value", bad]);
      expect(r.code).toBe(1);
      expect(r.stderr.split("\n")[0]).toStartWith("ERR ");
      expect(state()).toBe(before);
    }
  });
});
