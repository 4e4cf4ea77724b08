// The fuzz corpus (issue 18): small hostile seeds are committed in test/fuzz/seeds/; everything big (bombs, huge
// lines, deep nesting) is generated here, deterministically, into a temporary directory at test time.
// `bun test/fuzz/corpus.ts DIR` writes the generated corpus to DIR, to look at or to replay by hand.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { gzip, makeTar, makeZip, type TarSpec } from "../../src/crafter/archive/testing.ts";
import { gzipBomb, zipBomb } from "./bombs.ts";

export const SEEDS = resolve(import.meta.dir, "seeds");
const FIXTURES = resolve(import.meta.dir, "../../fixtures");

/** What a hostile input looks like, to pick the kinds it is aimed at. */
export type Family = "json" | "xml" | "yaml" | "graphql" | "zip" | "tgz" | "any";

export interface Hostile {
  name: string;
  family: Family;
  bytes: Uint8Array;
}

const enc = new TextEncoder();
const text = (s: string) => enc.encode(s);
const MiB = 1024 * 1024;

/** The 512-byte tar header of a file member `name` that declares `size` bytes. */
const tarHeader = (name: string, size: number): Uint8Array => makeTar([{ name, size }], { end: false }).subarray(0, 512);

/** Valid archives built from the committed fixtures: the seeds that archive mutations start from. */
export function archiveSeeds(): Record<"junitZip" | "junitTgz" | "helm" | "zap", Uint8Array> {
  const dir = (d: string, prefix: string): TarSpec[] =>
    readdirSync(d, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const full = join(e.parentPath, e.name);
        return { name: `${prefix}${full.slice(d.length + 1)}`, body: readFileSync(full) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  const reports = dir(join(FIXTURES, "materials/JUNIT_XML/reports"), "reports/");
  const zap = dir(join(FIXTURES, "materials/ZAP_DAST_ZIP/scan"), "scan/");
  return {
    junitZip: makeZip(Object.fromEntries(reports.map((r) => [r.name, r.body as Uint8Array]))),
    junitTgz: gzip(makeTar(reports)),
    helm: gzip(makeTar(dir(join(FIXTURES, "materials/HELM_CHART/webapp"), "webapp/"))),
    zap: makeZip(Object.fromEntries(zap.map((r) => [r.name, r.body as Uint8Array]))),
  };
}

/** The hostile inputs: committed seeds plus generated ones. Deterministic (no clock, no randomness). */
export function hostiles(): Hostile[] {
  const seed = (name: string, family: Family): Hostile => ({ name, family, bytes: readFileSync(join(SEEDS, name)) });
  const a = archiveSeeds();
  const paths = Array.from({ length: 17_500 }, (_, i) => `  /items/${i}:\n    get:\n      operationId: get${i}\n      responses:\n        "200":\n          description: ok ${i}\n`);
  const manyEntries: Record<string, string> = {};
  for (let i = 0; i < 12_000; i++) manyEntries[`r/${i}.xml`] = "<testsuite/>";
  return [
    seed("alias-bomb.yaml", "yaml"),
    seed("merge-bomb.yaml", "yaml"),
    seed("self-alias.yaml", "yaml"),
    seed("laughs.xml", "xml"),
    seed("xxe.xml", "xml"),
    { name: "aliases-200k.yaml", family: "yaml", bytes: text(`x: &x {a: [1, 2, 3]}\nl:\n${"  - *x\n".repeat(200_000)}`) },
    { name: "deep-flow.yaml", family: "yaml", bytes: text(`openapi: 3.0.0\ninfo: ${"[".repeat(100_000)}`) },
    { name: "near-budget.yaml", family: "yaml", bytes: text(`openapi: 3.0.3\ninfo:\n  title: t\n  version: "1"\npaths:\n${paths.join("")}`) },
    { name: "over-budget.yaml", family: "yaml", bytes: text(`openapi: 3.0.3\ninfo: {title: "${"t".repeat(3 * MiB)}", version: "1"}\n`) },
    { name: "deep-array.json", family: "json", bytes: text(`${"[".repeat(300_000)}${"]".repeat(300_000)}`) },
    { name: "deep-object.json", family: "json", bytes: text(`${'{"a":'.repeat(200_000)}1${"}".repeat(200_000)}`) },
    { name: "array-10mb.json", family: "json", bytes: text(`[${Array.from({ length: 1_430_000 }, (_, i) => `"x${i % 10}xx"`).join(",")}]`) },
    { name: "huge-string.json", family: "json", bytes: text(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"x":"${"A".repeat(8 * MiB)}"}`) },
    { name: "unterminated-key.json", family: "json", bytes: text(`{"${"k".repeat(8 * MiB)}`) },
    { name: "jsonl-huge-line.json", family: "json", bytes: text(`{"SourceMetadata":{},"Raw":"${"r".repeat(4 * MiB)}"}\n${'{"a":'.repeat(50_000)}`) },
    { name: "deep.xml", family: "xml", bytes: text(`<testsuites>${"<testsuite>".repeat(200_000)}`) },
    { name: "huge-attribute.xml", family: "xml", bytes: text(`<coverage line-rate="${"9".repeat(8 * MiB)}"/>`) },
    { name: "huge-tag.xml", family: "xml", bytes: text(`<report><${"x".repeat(8 * MiB)}`) },
    { name: "huge-token.graphql", family: "graphql", bytes: text(`type Query { a: String }\n${"x".repeat(16 * MiB)}`) },
    { name: "deep.graphql", family: "graphql", bytes: text(`type Query { a(b: ${"[".repeat(100_000)}Int${"]".repeat(100_000)}): Int }`) },
    { name: "huge-string.graphql", family: "graphql", bytes: text(`"""${"d".repeat(8 * MiB)}`) },
    { name: "bomb-1gib.zip", family: "zip", bytes: zipBomb("r/report_json.json", 1024) },
    { name: "bomb-lying.zip", family: "zip", bytes: zipBomb("r/a.xml", 256, 1000) },
    { name: "near-budget.zip", family: "zip", bytes: zipBomb("b/report_json.json", 30) },
    { name: "entries-12k.zip", family: "zip", bytes: makeZip(manyEntries) },
    { name: "truncated.zip", family: "zip", bytes: a.zap.subarray(0, Math.floor(a.zap.length / 2)) },
    { name: "bomb-1gib.tgz", family: "tgz", bytes: gzipBomb(tarHeader("c/Chart.yaml", 1024 * MiB), 1024) },
    { name: "bomb-small-headers.tgz", family: "tgz", bytes: gzipBomb(tarHeader("c/values.yaml", 10), 200) },
    { name: "near-budget.tgz", family: "tgz", bytes: gzipSync(makeTar([{ name: "c/Chart.yaml", body: "apiVersion: v2\nname: c\nversion: 1.0.0\n" }, { name: "c/values.yaml", body: text(`k: "${"v".repeat(30 * MiB)}"\n`) }])) },
    { name: "truncated.tgz", family: "tgz", bytes: a.helm.subarray(0, Math.floor(a.helm.length / 2)) },
    { name: "empty", family: "any", bytes: new Uint8Array(0) },
    { name: "one-line-16mb.txt", family: "any", bytes: text("a".repeat(16 * MiB)) },
    { name: "binary-1mb.bin", family: "any", bytes: Uint8Array.from({ length: MiB }, (_, i) => (i * 2654435761) >>> 24) },
  ];
}

if (import.meta.main) {
  const out = resolve(process.argv[2] ?? "fuzz-corpus");
  mkdirSync(out, { recursive: true });
  for (const h of hostiles()) writeFileSync(join(out, h.name), h.bytes);
  for (const [k, v] of Object.entries(archiveSeeds())) writeFileSync(join(out, `seed-${k}`), v);
  console.error(`wrote the corpus to ${out}`);
}
