// Runs sniff + validate of the kinds in this folder over Chainloop's test data when it is present
// (../shared/conformance/chainloop, Apache-2.0, never copied into the repo). Skipped otherwise.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CairnError } from "../../errors.ts";
import { asyncapiKind } from "./asyncapi.ts";
import { coberturaKind } from "./cobertura.ts";
import { graphqlKind } from "./graphql.ts";
import { helmKind } from "./helm.ts";
import { jacocoKind } from "./jacoco.ts";
import { junitKind } from "./junit.ts";
import type { MaterialKind } from "./kind.ts";
import { sampleOf } from "./kind-testing.ts";
import { openapiKind } from "./openapi.ts";
import { zapKind } from "./zap.ts";

const ROOT = new URL("../../../../shared/conformance/chainloop/", import.meta.url).pathname;
const KINDS: MaterialKind[] = [openapiKind, asyncapiKind, graphqlKind, junitKind, jacocoKind, coberturaKind, helmKind, zapKind];

/** Which of these kinds a sample is meant for, by Chainloop's file naming. */
const EXPECT: [RegExp, MaterialKind][] = [
  [/^junit.*\.xml$|^tests\.(zip|tar\.gz)$/, junitKind],
  [/^jacoco.*\.xml$/, jacocoKind],
  [/^cobertura.*\.xml$/, coberturaKind],
  [/^zap_scan.*\.zip$/, zapKind],
  [/\.tgz$/, helmKind],
  [/^(openapi|swagger)-/, openapiKind],
  [/^asyncapi-/, asyncapiKind],
  [/\.graphql$/, graphqlKind],
];
/**
 * Names say invalid/wrong/missing/empty for negatives, except two that Chainloop itself accepts:
 * an empty project's Cobertura report (line-rate NaN) and a chart whose values.yaml is empty.
 */
const NEGATIVE = /invalid|wrong|missing|empty/;
const ACCEPTED_DESPITE_NAME = new Set(["cobertura-empty.xml", "empty-values.tgz"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

const present = existsSync(ROOT);
const all = present ? files(ROOT).sort() : [];
const cases = all.flatMap((path) => {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const kind = EXPECT.find(([re]) => re.test(name))?.[1];
  const negative = NEGATIVE.test(name) && !ACCEPTED_DESPITE_NAME.has(name);
  return kind === undefined ? [] : [{ name, rel: path.slice(ROOT.length), path, kind, negative }];
});
const others = all.filter((p) => !cases.some((c) => c.path === p)).map((path) => ({ rel: path.slice(ROOT.length), path }));

describe.skipIf(!present)("Chainloop conformance samples", () => {
  test.each(cases.filter((c) => !c.negative))("$rel is detected and valid as its kind", async ({ name, path, kind }) => {
    const bytes = new Uint8Array(readFileSync(path));
    const sniffed = KINDS.filter((k) => k.sniff?.(sampleOf(bytes, name))).map((k) => k.kind);
    expect(sniffed).toEqual([kind.kind]);
    await kind.validate!(bytes, { fileName: name, strict: true });
  });

  test.each(cases.filter((c) => c.negative))("$rel is rejected when its kind is forced", async ({ name, path, kind }) => {
    let err: unknown;
    try {
      await kind.validate!(new Uint8Array(readFileSync(path)), { fileName: name, strict: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CairnError);
    expect((err as CairnError).code).toBe("MATERIAL_INVALID");
  });

  test("samples of other kinds are not sniffed as any of these kinds", () => {
    const hits = others.flatMap(({ rel, path }) => {
      const bytes = new Uint8Array(readFileSync(path));
      return KINDS.filter((k) => k.sniff?.(sampleOf(bytes, rel))).map((k) => `${rel}: ${k.kind}`);
    });
    expect(hits).toEqual([]);
  });

  test("no sample crashes any of these kinds: sniff is boolean, validate passes or throws CairnError", async () => {
    for (const path of all) {
      const bytes = new Uint8Array(readFileSync(path));
      const name = path.slice(path.lastIndexOf("/") + 1);
      for (const k of KINDS) {
        expect(typeof k.sniff?.(sampleOf(bytes, name))).toBe("boolean");
        try {
          await k.validate!(bytes, { fileName: name, strict: true });
        } catch (e) {
          if (!(e instanceof CairnError)) throw new Error(`${k.kind} on ${name}: ${String(e)}`);
        }
      }
    }
  }, 60_000);
});
