import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { asyncapiKind } from "./asyncapi.ts";
import { ANN } from "./kind.ts";
import { kindTable, sampleOf } from "./kind-testing.ts";

const fx = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/ASYNCAPI_SPEC/${name}`, import.meta.url)));
const row = (file: string) => ({ name: file, fileName: file, bytes: () => fx(file) });
const ann = (version: string, channels: number, title: string, apiVersion?: string, protocol?: string) => ({
  [`${ANN}.asyncapi.version`]: version,
  [`${ANN}.asyncapi.channels`]: String(channels),
  [`${ANN}.api.title`]: title,
  ...(apiVersion === undefined ? {} : { [`${ANN}.api.version`]: apiVersion }),
  ...(protocol === undefined ? {} : { [`${ANN}.api.protocol`]: protocol }),
});

kindTable(
  asyncapiKind,
  [
    { ...row("valid-asyncapi-2.6.yaml"), digest: "sha256:b4d7e0b6cb80de88f3b399262ee10d4f7bea6f92209a0a6c2d4de7ce12dea89d", annotations: ann("2.6.0", 2, "Cairn Notifications", "1.0.0", "amqp") },
    { ...row("valid-asyncapi-3.0.json"), digest: "sha256:2c20081c77f4aeae9d075b3d5824927d7bdef0bbf5955e6c20741c915a057f48", annotations: ann("3.0.0", 1, "Cairn Runner Events", "0.3.0", "kafka") },
    { ...row("valid-asyncapi-2.0.yaml"), digest: "sha256:4005dbaf58e1a707cf0152f4643c20a6db472caa0810f89bbf127d24bd8cf0ec", annotations: ann("2.0.0", 1, "Legacy Hooks", "0.1") },
    {
      ...row("invalid-missing-version.yaml"),
      name: "schema failure is a warning with --no-strict-validation",
      lax: true,
      digest: "sha256:f1f468060ca8e0ca74cbc6a57b1a70d1ed58c10b0fe6807004b6743b42c51ef4",
      annotations: ann("3.0.0", 0, "No version"),
      warnings: ["does not match the AsyncAPI 3.0.0 schema: /info must have required property 'version'"],
    },
  ],
  [
    row("invalid-missing-version.yaml"),
    row("invalid-unsupported.yaml"),
    row("invalid-syntax.yaml"),
    { name: "OpenAPI document", fileName: "openapi.yaml", bytes: () => new TextEncoder().encode("openapi: 3.0.0\n") },
  ],
);

describe("ASYNCAPI_SPEC", () => {
  test("every supported version's schema compiles and rejects an empty document", async () => {
    const { ASYNCAPI_VERSIONS } = await import("./asyncapi.ts");
    for (const v of ASYNCAPI_VERSIONS) {
      const doc = new TextEncoder().encode(`asyncapi: ${v}\n`);
      const got = await asyncapiKind.validate(doc, { fileName: "a.yaml", strict: false });
      expect(got.warnings.length).toBe(1);
    }
  }, 30_000);
  test("sniff", () => {
    const enc = new TextEncoder();
    expect(asyncapiKind.sniff(sampleOf(enc.encode('{"asyncapi": "3.0.0"}'), "a.json"))).toBe(true);
    expect(asyncapiKind.sniff(sampleOf(enc.encode("openapi: 3.0.0\n"), "a.yaml"))).toBe(false);
  });
});
