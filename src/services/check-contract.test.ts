import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CairnError } from "../errors.ts";
import { expectCode } from "../test-helpers.ts";
import { loadCheckContract, noStore, type DescribeContract } from "./check-contract.ts";

const BODY = "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata: { name: stored }\nspec:\n  materials:\n    - { name: bin, type: ARTIFACT }\n";
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stored: DescribeContract = async (name) => {
  if (name !== "stored") throw new CairnError("NOT_FOUND", `contract ${name} does not exist in organization default`);
  return { name, revision: 3, body: BODY };
};
const never: DescribeContract = async () => {
  throw new Error("a file must not be looked up as a name");
};

describe("loadCheckContract", () => {
  test("an existing file is a file, even when it is shaped like a name", async () => {
    dir = mkdtempSync(join(tmpdir(), "cairn-check-"));
    writeFileSync(join(dir, "stored"), BODY.replace("bin", "file-bin"));
    const r = await loadCheckContract("stored", dir, never);
    expect([r.source, r.contract.materials[0]!.name]).toEqual(["stored", "file-bin"]);
    await expectCode(() => loadCheckContract("missing.yaml", dir, never), "NOT_FOUND");
  });

  test("a name is described: its latest revision, named in the source", async () => {
    dir = mkdtempSync(join(tmpdir(), "cairn-check-"));
    const r = await loadCheckContract("stored", dir, stored);
    expect([r.source, r.contract.materials.map((m) => m.name)]).toEqual(["contract stored revision 3", ["bin"]]);
  });

  test("an unknown name is NOT_FOUND naming it both ways, with the hint; a bad name is USAGE", async () => {
    dir = mkdtempSync(join(tmpdir(), "cairn-check-"));
    const e = await expectCode(() => loadCheckContract("absent", dir, stored), "NOT_FOUND");
    expect(e.message).toBe("--contract absent: no such file, and contract absent does not exist in organization default");
    expect(e.hint).toContain("cairn workflow contract list");
    const none = await expectCode(() => loadCheckContract("absent", dir, noStore("/h", "default")), "NOT_FOUND");
    expect(none.message).toContain("(no store at /h)");
    await expectCode(() => loadCheckContract("Not_A_Name", dir, stored), "USAGE");
  });
});
