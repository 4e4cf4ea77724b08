import { describe, expect, test } from "bun:test";
import { MATERIAL_KINDS } from "../crafter/materials/registry.ts";
import { genericState, githubState, gitlabState } from "./fixtures.testutil.ts";
import { KIND_MEDIA_TYPES, materialMediaType } from "./media-types.ts";

describe("material media types", () => {
  test("the table names only registered kinds, each with a type/subtype", () => {
    const kinds: string[] = MATERIAL_KINDS.map((k) => k.kind);
    for (const [kind, type] of Object.entries(KIND_MEDIA_TYPES)) {
      expect(kinds).toContain(kind);
      expect(type).toMatch(/^[\w.+-]+\/[\w.+-]+$/);
    }
  });

  test("by kind; kinds without a fixed type (YAML-or-JSON, free-form, STRING) have none", () => {
    expect(materialMediaType(genericState.materials.sbom!)).toBe("application/spdx+json");
    expect(materialMediaType(githubState.materials.tests!)).toBe("application/xml");
    expect(materialMediaType(gitlabState.materials.sast!)).toBe("application/sarif+json");
    for (const m of [genericState.materials.notes!, genericState.materials.channel!, { ...genericState.materials.notes!, kind: "OPENAPI_SPEC" }]) {
      expect(materialMediaType(m)).toBeUndefined();
    }
  });

  test("images take their recorded manifest media type; attestations their container's", () => {
    expect(materialMediaType(githubState.materials.image!)).toBe("application/vnd.oci.image.index.v1+json");
    expect(materialMediaType({ ...githubState.materials.image!, annotations: {} })).toBe("application/vnd.oci.image.manifest.v1+json");
    const att = gitlabState.materials.upstream!;
    expect(materialMediaType(att)).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    expect(materialMediaType({ ...att, annotations: { "cairn.material.attestation.container": "dsse" } })).toBe("application/vnd.dsse.envelope.v1+json");
    expect(materialMediaType({ ...att, annotations: {} })).toBeUndefined();
  });
});
