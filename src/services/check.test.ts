import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { testStore, type TestStore } from "./control/runs.testutil.ts";
import { checkMaterials, type CheckInput } from "./check.ts";
import { parseContractText } from "./contracts.ts";

const FX = join(import.meta.dir, "../../fixtures/policies");
const CONTRACT = `apiVersion: cairn.dev/v1
kind: Contract
metadata: { name: unit }
spec:
  materials:
    - { name: sbom, type: SBOM_CYCLONEDX_JSON }
    - { name: tests, type: JUNIT_XML }
    - { name: bin, type: ARTIFACT }
    - { name: image, type: CONTAINER_IMAGE, optional: true }
  policies:
    materials:
      - { ref: builtin:banned-licenses, selector: { name: sbom }, with: { licenses: AGPL-3.0-only }, gate: true }
      - ref: builtin:junit-no-failures
`;
const DIGEST = `sha256:${"cd".repeat(32)}`;

let s: TestStore;
afterEach(() => s?.cleanup());

async function setup(): Promise<void> {
  s = await testStore();
  for (const f of ["sbom/clean.cdx.json", "sbom/banned.cdx.json", "junit/pass.xml", "junit/fail.xml"]) copyFileSync(join(FX, f), join(s.dir, f.replace("/", "-")));
  s.file("app.bin", "bytes\n");
}

function run(materials: Record<string, string>, flags: Partial<Pick<CheckInput, "requireAll" | "strict">> = {}) {
  return checkMaterials(s.app, {
    contract: { contract: parseContractText(CONTRACT, "unit.yaml").contract, source: "unit.yaml" },
    materials: Object.entries(materials).map(([name, value]) => ({ name, value })),
    strictValidation: true,
    requireAll: flags.requireAll ?? false,
    strict: flags.strict ?? false,
  });
}

describe("checkMaterials checks what it is given", () => {
  test("given materials are checked, the contract's others are not given; missing required ones pass unless requireAll", async () => {
    await setup();
    const r = await run({ bin: "app.bin", sbom: "sbom-clean.cdx.json" });
    expect(r.ok).toBe(true);
    expect(r.missing).toEqual(["tests"]);
    expect(r.materials.map((m) => [m.name, m.status, m.required])).toEqual([
      ["bin", "checked", true],
      ["sbom", "checked", true],
      ["tests", "not given", true],
      ["image", "not given", false],
    ]);
    expect(r.materials[0]!.digest).toBe(`sha256:${new Bun.CryptoHasher("sha256").update("bytes\n").digest("hex")}`);
    expect((await run({ bin: "app.bin" }, { requireAll: true })).ok).toBe(false);
    expect((await run({ bin: "app.bin", sbom: "sbom-clean.cdx.json", tests: "junit-pass.xml" }, { requireAll: true })).ok).toBe(true);
  });

  test("an invalid or undeclared given material fails", async () => {
    await setup();
    s.file("bad.xml", "<testsuite");
    const r = await run({ tests: "bad.xml", other: "app.bin" });
    expect(r.ok).toBe(false);
    expect(r.materials.slice(0, 2).map((m) => [m.name, m.status])).toEqual([["tests", "invalid"], ["other", "invalid"]]);
    expect(r.materials[1]!.problem).toBe("not in the contract (declared: sbom, tests, bin, image)");
  });

  test("a gated violation blocks; a non-gated one fails only with strict", async () => {
    await setup();
    const gated = await run({ sbom: "sbom-banned.cdx.json" });
    expect([gated.ok, gated.policyBlocked, gated.materials[0]!.blocked]).toEqual([false, true, true]);
    const soft = await run({ tests: "junit-fail.xml" });
    expect([soft.ok, soft.policyBlocked, soft.materials[0]!.status, soft.materials[0]!.violations > 0]).toEqual([true, false, "checked", true]);
    expect((await run({ tests: "junit-fail.xml" }, { strict: true })).ok).toBe(false);
  });

  test("a pinned image reference is checked by its digest, no registry contacted (port 1 refuses)", async () => {
    await setup();
    const r = await run({ image: `127.0.0.1:1/team/app@${DIGEST}` });
    expect(r.materials[0]).toMatchObject({ status: "checked", digest: DIGEST });
  });
});
