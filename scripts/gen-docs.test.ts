// The committed reference docs must be exactly what the registries render: a kind or runner changed
// without `npm run docs` fails here (and in CI) rather than shipping stale docs.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MATERIAL_KINDS } from "../src/crafter/materials/registry.ts";
import { runnerDocs } from "../src/crafter/runners/registry.ts";
import { mdText, renderAll, renderMaterialsDoc, renderRunnersDoc } from "./gen-docs.ts";

const ROOT = resolve(import.meta.dir, "..");

describe("gen-docs", () => {
  for (const { path, content } of renderAll()) {
    test(`${path} is up to date (run \`npm run docs\` when this fails)`, () => {
      expect(readFileSync(join(ROOT, path), "utf8")).toBe(content);
    });
  }

  test("rendering is deterministic", () => {
    expect(renderMaterialsDoc()).toBe(renderMaterialsDoc());
    expect(renderRunnersDoc()).toBe(renderRunnersDoc());
  });

  test("every material kind has a table row and a section, in registry order", () => {
    const doc = renderMaterialsDoc();
    const sections = [...doc.matchAll(/^## (\S+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(MATERIAL_KINDS.map((k) => k.kind));
    MATERIAL_KINDS.forEach((k, i) => {
      expect(doc).toContain(`| ${i + 1} | [${k.kind}](#${k.kind.toLowerCase()}) |`);
    });
  });

  test("every runner has a section, in detection order, ending with the generic fallback", () => {
    const sections = [...renderRunnersDoc().matchAll(/^## (\S+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(runnerDocs().map((d) => d.type));
    expect(sections.at(-1)).toBe("RUNNER_TYPE_UNSPECIFIED");
  });

  test("kinds outside auto-discovery show an example with --kind", () => {
    const doc = renderMaterialsDoc();
    for (const k of MATERIAL_KINDS.filter((k) => !k.autoDetect)) {
      expect(doc).toContain(`\`cairn att add --kind ${k.kind} `);
    }
  });

  test("mdText escapes markup outside code spans only", () => {
    expect(mdText("root <testsuites>, every *.xml, `a <b> *c*`")).toBe("root &lt;testsuites&gt;, every \\*.xml, `a <b> *c*`");
  });
});
