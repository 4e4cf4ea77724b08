import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ANN } from "./kind.ts";
import { kindTable, sampleOf } from "./kind-testing.ts";
import { openapiKind } from "./openapi.ts";

const fx = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/OPENAPI_SPEC/${name}`, import.meta.url)));
const ann = (version: string, paths: number, title?: string, apiVersion?: string) => ({
  [`${ANN}.openapi.version`]: version,
  [`${ANN}.openapi.paths`]: String(paths),
  ...(title === undefined ? {} : { [`${ANN}.api.title`]: title }),
  ...(apiVersion === undefined ? {} : { [`${ANN}.api.version`]: apiVersion }),
});
const row = (file: string) => ({ name: file, fileName: file, bytes: () => fx(file) });

kindTable(
  openapiKind,
  [
    { ...row("valid-openapi-3.0.yaml"), digest: "sha256:60965c25e373ad9e076fbf71781e3c7b27274d35cb8c3d56b80cb63dabadebb1", annotations: ann("3.0.3", 2, "Cairn Blob API", "1.2.0") },
    { ...row("valid-openapi-3.1.json"), digest: "sha256:64d8a84c36f03026eca2f31fb40a5a63e45510304aa671ed389f53dc722d9eb0", annotations: ann("3.1.0", 1, "Cairn Events", "0.9.0") },
    { ...row("valid-swagger-2.0.json"), digest: "sha256:42ed3ec3b0fd919e74e3b8885295f101fa5e3d6946543878d6917ebd4ab14259", annotations: ann("2.0", 2, "Legacy Contracts API", "3.0.1") },
    {
      ...row("valid-openapi-3.2.yaml"),
      digest: "sha256:dcd8baf20e066cb344a6a8a21073cbc16a33589f59f5b0c5403662ef073f6a79",
      annotations: ann("3.2.0", 1, "Cairn Query API", "2026.1.0"),
      warnings: ["no OpenAPI 3.2 schema is bundled; only required fields were checked"],
    },
    {
      ...row("invalid-missing-info.yaml"),
      name: "schema failure is a warning with --no-strict-validation",
      lax: true,
      digest: "sha256:63f7ee8f6e286eb4629652f815a2e7cd928c5fc0ebefe5ca98809503bafe6ad7",
      annotations: ann("3.0.3", 1),
      warnings: ["does not match the OpenAPI 3.0 schema: / must have required property 'info'"],
    },
  ],
  [
    row("invalid-missing-info.yaml"),
    row("invalid-bad-response.json"),
    row("invalid-version.yaml"),
    { ...row("invalid-version.yaml"), name: "unsupported version also without strict validation", lax: true },
    row("invalid-swagger-1.2.json"),
    row("invalid-syntax.json"),
    row("invalid-list.yaml"),
    { name: "AsyncAPI document", fileName: "asyncapi.yaml", bytes: () => new TextEncoder().encode("asyncapi: 2.6.0\ninfo: {}\n") },
    { name: "binary", fileName: "x.bin", bytes: () => new Uint8Array([0xff, 0xfe, 0x00, 0x81]) },
  ],
);

describe("OPENAPI_SPEC sniff", () => {
  const enc = new TextEncoder();
  test.each([
    ["YAML openapi 3", "# api\nopenapi: 3.1.0\ninfo: {}\n", true],
    ["YAML quoted swagger", 'swagger: "2.0"\n', true],
    ["nested key only", "x:\n  openapi: 3.0.0\n", false],
    ["JSON top level after other keys", '{"info": {"openapi": "nope"}, "openapi": "3.0.1"}', true],
    ["JSON nested only", '{"x": {"openapi": "3.0.1"}}', false],
    ["JSON value not key", '{"note": "openapi", "a": "b"}', false],
    ["swagger 1.2", '{"swagger": "1.2"}', false],
    ["XML", "<openapi>3.0</openapi>", false],
  ] as const)("%s", (_n, text, want) => {
    expect(openapiKind.sniff(sampleOf(enc.encode(text), "f"))).toBe(want);
  });
  test("projection is the parsed document", () => {
    expect((openapiKind.project(fx("valid-openapi-3.0.yaml")) as { openapi: string }).openapi).toBe("3.0.3");
  });
});
