import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { graphqlKind } from "./graphql.ts";
import { ANN } from "./kind.ts";
import { kindTable, sampleOf } from "./kind-testing.ts";

const fx = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/GRAPHQL_SPEC/${name}`, import.meta.url)));
const row = (file: string) => ({ name: file, fileName: file, bytes: () => fx(file) });

kindTable(
  graphqlKind,
  [
    {
      ...row("valid-schema.graphql"),
      digest: "sha256:21295d6a6c09995a32647da9916a57496e5c1d590de130ead2ff17594f5d9e2c",
      annotations: { [`${ANN}.graphql.type_count`]: "9", [`${ANN}.graphql.directives`]: "auth,cacheControl" },
    },
    { ...row("valid-extension.graphqls"), digest: "sha256:c78d306c6296afc85e5d512d1559583be792356b26f6f2efd299fa0091812022", annotations: { [`${ANN}.graphql.type_count`]: "1" } },
  ],
  [
    row("invalid-syntax.graphql"),
    row("invalid-query.graphql"),
    row("invalid-directives-only.graphql"),
    { name: "JSON", fileName: "x.json", bytes: () => new TextEncoder().encode('{"type": "object"}') },
  ],
);

describe("GRAPHQL_SPEC sniff", () => {
  const enc = new TextEncoder();
  test.each([
    ["type after comment", "# c\ntype A { a: Int }", true],
    ["schema block", "schema { query: Q }", true],
    ["description then enum", '"""doc"""\nenum E { A }', true],
    ["Go source", "package main\n\ntype T struct {}", false],
    ["YAML key", "type: object\n", false],
    ["query document", "query { a }", false],
    ["JSON", '{"type": "x"}', false],
    ["prose", "Type definitions are described below.", false],
  ] as const)("%s", (_n, text, want) => {
    expect(graphqlKind.sniff(sampleOf(enc.encode(text), "f"))).toBe(want);
  });
  test("projection is the AST", () => {
    expect((graphqlKind.project(fx("valid-extension.graphqls")) as { kind: string }).kind).toBe("Document");
  });
});
