import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { gzip, makeTar, makeZip } from "../archive/testing.ts";
import { helmKind } from "./helm.ts";
import { ANN } from "./kind.ts";
import { kindTable, sampleOf } from "./kind-testing.ts";

const fx = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/HELM_CHART/${name}`, import.meta.url)));
/** The webapp chart in `helm package` order (Chart.yaml first), with optional replacements. */
const FILES = ["Chart.yaml", "values.yaml", "templates/deployment.yaml", "charts/cache/Chart.yaml", "charts/cache/values.yaml", ".helmignore"];
function chart(replace: Record<string, string | null> = {}, root = "webapp"): Record<string, Uint8Array | string> {
  const out: Record<string, Uint8Array | string> = {};
  for (const f of FILES) {
    const r = replace[f];
    if (r !== null) out[`${root}/${f}`] = r ?? fx(`webapp/${f}`);
  }
  return out;
}
const tgz = (files: Record<string, Uint8Array | string>) => gzip(makeTar(Object.entries(files).map(([name, body]) => ({ name, body }))));
const ann = (name: string, version: string, app?: string) => ({
  [`${ANN}.helm.chart_name`]: name,
  [`${ANN}.helm.chart_version`]: version,
  [`${ANN}.helm.api_version`]: "v2",
  ...(app === undefined ? {} : { [`${ANN}.helm.app_version`]: app }),
});
const MINIMAL = "apiVersion: v2\nname: tiny\nversion: 1.10\n";

kindTable(
  helmKind,
  [
    { name: "packaged chart with subchart", fileName: "webapp-1.4.0.tgz", bytes: () => tgz(chart()), digest: "sha256:55dd40879de82675955e3452dbe65171d6092db90a708fa6d8007f41f7389b0a", annotations: ann("webapp", "1.4.0", "2.7.1") },
    {
      name: "comment-only values.yaml, unquoted version kept as written",
      fileName: "tiny-1.10.tgz",
      bytes: () => tgz({ "tiny/Chart.yaml": MINIMAL, "tiny/values.yaml": "# nothing to configure\n" }),
      digest: "sha256:1d2a4db10ca57fa9d496a9a13f90aa108b546b39bfcce457a35f85f0898e6e01",
      annotations: ann("tiny", "1.10"),
    },
    {
      name: "directory entry and Chart.yaml after values.yaml",
      fileName: "tiny.tgz",
      bytes: () => gzip(makeTar([{ name: "tiny/", type: "5" }, { name: "tiny/values.yaml", body: "" }, { name: "tiny/Chart.yaml", body: MINIMAL }])),
      digest: "sha256:a7cd214b039ab60e1fb3cb0427d549be1a38061f51f650564f3f8a85c2f57c6c",
      annotations: ann("tiny", "1.10"),
    },
  ],
  [
    { name: "missing Chart.yaml", fileName: "a.tgz", bytes: () => tgz(chart({ "Chart.yaml": null })) },
    { name: "missing values.yaml", fileName: "b.tgz", bytes: () => tgz(chart({ "values.yaml": null })) },
    { name: "Chart.yaml without version", fileName: "c.tgz", bytes: () => tgz(chart({ "Chart.yaml": "apiVersion: v2\nname: webapp\n" })) },
    { name: "version is not SemVer", fileName: "d.tgz", bytes: () => tgz(chart({ "Chart.yaml": "apiVersion: v2\nname: webapp\nversion: latest\n" })) },
    { name: "Chart.yaml is not YAML", fileName: "e.tgz", bytes: () => tgz(chart({ "Chart.yaml": "name: [unclosed\n" })) },
    { name: "values.yaml is a list", fileName: "f.tgz", bytes: () => tgz(chart({ "values.yaml": "- a\n- b\n" })) },
    { name: "two charts", fileName: "g.tgz", bytes: () => tgz({ ...chart(), ...chart({}, "other") }) },
    { name: "empty tarball", fileName: "h.tgz", bytes: () => gzip(makeTar([{ name: "common/", type: "5" }])) },
    { name: "zip instead of tgz", fileName: "i.zip", bytes: () => makeZip(chart()) },
    { name: "symlink in chart", fileName: "j.tgz", bytes: () => gzip(makeTar([{ name: "x/Chart.yaml", body: MINIMAL }, { name: "x/values.yaml", type: "2", linkname: "/etc/passwd" }])) },
  ],
);

describe("HELM_CHART", () => {
  test("projection is {chart, values}", () => {
    const p = helmKind.project(tgz(chart())) as { chart: Record<string, unknown>; values: Record<string, unknown> };
    expect(p.chart["name"]).toBe("webapp");
    expect(p.values["replicaCount"]).toBe(2);
  });
  test("sniff: gzip tar with <dir>/Chart.yaml, but not other tarballs", () => {
    expect(helmKind.sniff(sampleOf(tgz(chart({ "values.yaml": null })), "x.tgz"))).toBe(true);
    expect(helmKind.sniff(sampleOf(gzip(makeTar([{ name: "src/main.go", body: "package main" }])), "src.tar.gz"))).toBe(false);
    expect(helmKind.sniff(sampleOf(gzip(makeTar([{ name: "a/b/Chart.yaml", body: MINIMAL }])), "deep.tgz"))).toBe(false);
  });
});
