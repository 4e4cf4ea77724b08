// Every positive fixture of the kinds in this folder is sniffed by its own kind and by no other.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { CairnError } from "../../errors.ts";
import { expectCode } from "../../test-helpers.ts";
import { makeZip } from "../archive/testing.ts";
import { asyncapiKind } from "./asyncapi.ts";
import { coberturaKind } from "./cobertura.ts";
import { graphqlKind } from "./graphql.ts";
import { helmKind } from "./helm.ts";
import { jacocoKind } from "./jacoco.ts";
import { junitKind } from "./junit.ts";
import type { MaterialKind } from "./kind.ts";
import { archiveOf, sampleOf } from "./kind-testing.ts";
import { openapiKind } from "./openapi.ts";
import { zapKind } from "./zap.ts";

const KINDS: MaterialKind[] = [openapiKind, asyncapiKind, graphqlKind, junitKind, jacocoKind, coberturaKind, helmKind, zapKind];
const fx = (path: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/${path}`, import.meta.url)));
const chart = ["Chart.yaml", "values.yaml", "templates/deployment.yaml"];

const cases: [string, MaterialKind, () => Uint8Array][] = [
  ["JUNIT_XML/valid-testsuites.xml", junitKind, () => fx("JUNIT_XML/valid-testsuites.xml")],
  ["JUNIT_XML/valid-testsuite.xml", junitKind, () => fx("JUNIT_XML/valid-testsuite.xml")],
  ["JUNIT_XML/valid-latin1.xml", junitKind, () => fx("JUNIT_XML/valid-latin1.xml")],
  ["JUNIT_XML reports.tar.gz", junitKind, () => archiveOf({ "r/TEST-a.xml": fx("JUNIT_XML/reports/TEST-api.HealthTest.xml") }, "tar.gz")],
  ["JUNIT_XML reports.zip", junitKind, () => archiveOf({ "r/TEST-a.xml": fx("JUNIT_XML/reports/TEST-api.HealthTest.xml") }, "zip")],
  ["JACOCO_XML/valid-report.xml", jacocoKind, () => fx("JACOCO_XML/valid-report.xml")],
  ["JACOCO_XML/valid-no-branches.xml", jacocoKind, () => fx("JACOCO_XML/valid-no-branches.xml")],
  ["COBERTURA_XML/valid-cobertura.xml", coberturaKind, () => fx("COBERTURA_XML/valid-cobertura.xml")],
  ["COBERTURA_XML/valid-coveragepy.xml", coberturaKind, () => fx("COBERTURA_XML/valid-coveragepy.xml")],
  ["COBERTURA_XML/valid-empty-nan.xml", coberturaKind, () => fx("COBERTURA_XML/valid-empty-nan.xml")],
  ["ZAP_DAST_ZIP scan zip", zapKind, () => makeZip({ "scan/report_json.json": fx("ZAP_DAST_ZIP/scan/report_json.json") })],
  ["HELM_CHART webapp.tgz", helmKind, () => archiveOf(Object.fromEntries(chart.map((f) => [`webapp/${f}`, fx(`HELM_CHART/webapp/${f}`)])), "tar.gz")],
  ["OPENAPI_SPEC/valid-openapi-3.0.yaml", openapiKind, () => fx("OPENAPI_SPEC/valid-openapi-3.0.yaml")],
  ["OPENAPI_SPEC/valid-openapi-3.1.json", openapiKind, () => fx("OPENAPI_SPEC/valid-openapi-3.1.json")],
  ["OPENAPI_SPEC/valid-swagger-2.0.json", openapiKind, () => fx("OPENAPI_SPEC/valid-swagger-2.0.json")],
  ["OPENAPI_SPEC/valid-openapi-3.2.yaml", openapiKind, () => fx("OPENAPI_SPEC/valid-openapi-3.2.yaml")],
  ["ASYNCAPI_SPEC/valid-asyncapi-2.6.yaml", asyncapiKind, () => fx("ASYNCAPI_SPEC/valid-asyncapi-2.6.yaml")],
  ["ASYNCAPI_SPEC/valid-asyncapi-3.0.json", asyncapiKind, () => fx("ASYNCAPI_SPEC/valid-asyncapi-3.0.json")],
  ["GRAPHQL_SPEC/valid-schema.graphql", graphqlKind, () => fx("GRAPHQL_SPEC/valid-schema.graphql")],
  ["GRAPHQL_SPEC/valid-extension.graphqls", graphqlKind, () => fx("GRAPHQL_SPEC/valid-extension.graphqls")],
];

test.each(cases)("%s is sniffed only as its kind", (name, kind, bytes) => {
  const b = bytes();
  expect(KINDS.filter((k) => k.sniff?.(sampleOf(b, name))).map((k) => k.kind)).toEqual([kind.kind]);
});

test.each([
  ["empty file", new Uint8Array(0)],
  ["random binary", new Uint8Array(65536).map((_, i) => (i * 2654435761) >>> 24)],
  ["plain text", new TextEncoder().encode("hello world\n")],
])("%s is sniffed by none", (_n, b) => {
  expect(KINDS.filter((k) => k.sniff?.(sampleOf(b, "f")))).toEqual([]);
});

/** Deterministic corruption: truncations and byte flips of every positive fixture. */
function* mutants(b: Uint8Array): Generator<Uint8Array> {
  for (const n of [1, 10, 100, 513, 4096]) if (n < b.length) yield b.subarray(0, n);
  for (let k = 0; k < 12; k++) {
    const m = new Uint8Array(b);
    const at = (k * 7919 + 13) % Math.max(1, m.length);
    m[at] = (m[at] ?? 0) ^ (1 << (k % 8));
    yield m;
  }
}

test("corrupted fixtures never make sniff or validate throw anything but CairnError", async () => {
  for (const [name, , bytes] of cases) {
    for (const m of mutants(bytes())) {
      for (const k of KINDS) {
        expect(typeof k.sniff?.(sampleOf(m, name))).toBe("boolean");
        try {
          await k.validate!(m, { fileName: name, strict: true });
        } catch (e) {
          if (!(e instanceof CairnError)) throw new Error(`${k.kind} on corrupted ${name}: ${String(e)}`);
        }
      }
    }
  }
}, 60_000);

test("deeply nested input is refused cleanly", async () => {
  const deep = (open: string, close: string, n = 100_000) => new TextEncoder().encode(open.repeat(n) + close.repeat(n));
  await expectCode(() => graphqlKind.validate(new TextEncoder().encode(`type A { f(a: ${"[".repeat(100_000)}1${"]".repeat(100_000)}): Int }`), { fileName: "g", strict: true }), "MATERIAL_INVALID");
  await expectCode(() => openapiKind.validate(deep('{"a":', "}"), { fileName: "o.json", strict: true }), "MATERIAL_INVALID");
  await expectCode(() => junitKind.validate(deep("<testsuite>", "</testsuite>", 5_000), { fileName: "j.xml", strict: true }), "MATERIAL_INVALID");
});
