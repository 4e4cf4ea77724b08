import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CairnError } from "../../errors.ts";
import { expectCode } from "../../test-helpers.ts";
import { apply } from "./apply.ts";
import { describeContract, listContracts } from "./contracts.ts";
import { testStore, type TestStore } from "./runs.testutil.ts";

const DIR = join(import.meta.dir, "../../../fixtures/contracts/apply");
const at = (f: string) => join(DIR, f);
let s: TestStore;
afterEach(() => s.cleanup());

const actions = (r: Awaited<ReturnType<typeof apply>>) => r.items.map((i) => `${i.name}:${i.action}:${i.revision}`);
const names = async () => (await listContracts(s.app, {})).items.map((c) => `${c.name}@${c.latestRevision}`);

describe("apply", () => {
  test("creates, then leaves identical and reformatted documents unchanged, then updates only what changed", async () => {
    s = await testStore();
    expect(actions(await apply(s.app, { path: at("two-contracts.yaml") }))).toEqual(["build-contract:created:1", "release-contract:created:1"]);
    expect(actions(await apply(s.app, { path: at("two-contracts.yaml") }))).toEqual(["build-contract:unchanged:1", "release-contract:unchanged:1"]);
    expect(actions(await apply(s.app, { path: at("two-contracts-reformatted.yaml") }))).toEqual(["build-contract:unchanged:1", "release-contract:unchanged:1"]);
    const r = await apply(s.app, { path: at("two-contracts-changed.yaml") });
    expect(actions(r)).toEqual(["build-contract:unchanged:1", "release-contract:updated:2"]);
    expect(r.items.map((i) => i.source)).toEqual([at("two-contracts-changed.yaml#1"), at("two-contracts-changed.yaml#2")]);
    expect(await names()).toEqual(["build-contract@1", "release-contract@2"]);
    expect((await describeContract(s.app, { name: "release-contract" })).description).toBe("Release images must be signed");
  });

  test("each document's own text is the stored body", async () => {
    s = await testStore();
    await apply(s.app, { path: at("two-contracts.yaml") });
    const text = await Bun.file(at("two-contracts.yaml")).text();
    const [first, second] = [(await describeContract(s.app, { name: "build-contract" })).body, (await describeContract(s.app, { name: "release-contract" })).body];
    expect(first + second).toBe(text);
    expect(first.startsWith("# cairn test fixture")).toBe(true);
    expect(second.startsWith("---\n# the release contract")).toBe(true);
    expect(first).not.toContain("release-contract");
  });

  test("--dry-run reports what would happen and changes nothing", async () => {
    s = await testStore();
    expect(actions(await apply(s.app, { path: at("two-contracts.yaml"), dryRun: true }))).toEqual(["build-contract:created:1", "release-contract:created:1"]);
    expect(await names()).toEqual([]);
    await apply(s.app, { path: at("two-contracts.yaml") });
    const dry = await apply(s.app, { path: at("two-contracts-changed.yaml"), dryRun: true });
    expect([dry.dryRun, ...actions(dry)]).toEqual([true, "build-contract:unchanged:1", "release-contract:updated:2"]);
    expect(await names()).toEqual(["build-contract@1", "release-contract@1"]);
  });

  test("a bad second document changes nothing, and the error names the file, the document and the line", async () => {
    s = await testStore();
    const e = await expectCode(() => apply(s.app, { path: at("bad-second.yaml") }), "CONTRACT_INVALID");
    expect(e.message).toStartWith(`${at("bad-second.yaml")}#2: spec.materials[0].type: unknown material kind "NOT_A_KIND"`);
    expect(e.details).toEqual([expect.objectContaining({ line: 17 })]); // the line in the file, not in the document
    expect(await names()).toEqual([]);
  });

  test("a failure while writing rolls back the documents already written", async () => {
    s = await testStore();
    const addRevision = s.app.repo.addRevision.bind(s.app.repo);
    let calls = 0;
    s.app.repo.addRevision = (...args) => {
      if (++calls === 2) throw new CairnError("IO", "disk full");
      return addRevision(...args);
    };
    await expectCode(() => apply(s.app, { path: at("two-contracts.yaml") }), "IO");
    s.app.repo.addRevision = addRevision;
    expect(await names()).toEqual([]);
  });

  test("only kind: Contract, with kind and metadata.name; one document per name", async () => {
    s = await testStore();
    const wrong = await expectCode(() => apply(s.app, { path: at("wrong-kind.yaml") }), "CONTRACT_INVALID");
    expect(wrong.message).toContain("wrong-kind.yaml#2: kind \"Policy\" is not supported");
    expect(wrong.hint).toContain("remove this document");
    const cases: [string, string][] = [
      ["apiVersion: cairn.dev/v1\nmetadata: {name: a}\n", "#1: kind is required"],
      ["kind: Contract\napiVersion: cairn.dev/v1\nmetadata: {description: x}\n", "#1: metadata.name is required"],
      ["kind: Contract\napiVersion: cairn.dev/v1\nmetadata: {name: a}\n---\n- a list\n", "#2: the document is not a mapping"],
      ["kind: Contract\napiVersion: cairn.dev/v1\nmetadata: {name: a}\n---\nkind: Contract\napiVersion: cairn.dev/v1\nmetadata: {name: a}\n", "#2: contract a is also defined in"],
      ["kind: Contract\napiVersion: cairn.dev/v1\nmetadata: {name: a}\n---\nkind: Contract\nmetadata: [oops\n", "#2:7:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]"],
    ];
    for (const [text, message] of cases) {
      const e = await expectCode(() => apply(s.app, { path: s.file("in.yaml", text) }), "CONTRACT_INVALID");
      expect(e.message).toContain(`in.yaml${message}`);
    }
    expect(await names()).toEqual([]);
  });

  test("a directory applies its *.yaml, *.yml and *.json files in name order, not recursing", async () => {
    s = await testStore();
    const r = await apply(s.app, { path: at("dir") });
    expect(r.items.map((i) => i.source)).toEqual([at("dir/a.yaml#1"), at("dir/b.yml#1"), at("dir/c.json#1")]);
    expect(await names()).toEqual(["dir-a@1", "dir-b@1", "dir-c@1"]);
    expect((await describeContract(s.app, { name: "dir-c" })).format).toBe("json");
    mkdirSync(join(s.dir, "empty"));
    await expectCode(() => apply(s.app, { path: "empty" }), "USAGE");
    await expectCode(() => apply(s.app, { path: "missing.yaml" }), "NOT_FOUND");
    // empty documents (a leading ---, comments only) are skipped but still counted
    const padded = s.file("padded.yaml", "---\n# nothing here\n---\nkind: Contract\napiVersion: cairn.dev/v1\nmetadata: {name: padded}\n");
    expect((await apply(s.app, { path: padded })).items.map((i) => i.source)).toEqual(["padded.yaml#2"]);
  });
});
