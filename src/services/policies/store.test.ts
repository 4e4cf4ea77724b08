import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { isCairnError } from "../../errors.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { resolveAttachedPolicy } from "./resolve.ts";
import { addPolicyFile, addPolicyText, describeStoredPolicy, listStoredPolicies } from "./store.ts";

const policy = (name: string, expr = "[]", extra = "") =>
  `apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: {name: ${name}, description: d-${name}}\nspec:\n  rules:\n    - {name: r, kinds: [ARTIFACT], violations: "${expr}"}\n${extra}`;

async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (isCairnError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "no error";
}

let s: TestStore;
beforeEach(async () => (s = await testStore()));
afterEach(() => s.cleanup());

describe("policy store", () => {
  test("revisions: new only when the content changes; reformatting and comments make none", async () => {
    s.file("p.yaml", policy("no-latest"));
    expect((await addPolicyFile(s.app, { name: "no-latest", file: "p.yaml" }))).toMatchObject({ name: "no-latest", revision: 1, created: true });
    s.advance(1000);
    const same = await addPolicyText(s.app, { text: `# a comment\n${policy("no-latest")}`, source: "again.yaml" });
    expect(same).toMatchObject({ revision: 1, created: false });
    s.advance(1000);
    const r2 = await addPolicyText(s.app, { text: policy("no-latest", "[1].map(x, 'bad')"), source: "v2.yaml" });
    expect(r2).toMatchObject({ revision: 2, created: true });
    const d = await describeStoredPolicy(s.app, { name: "no-latest" });
    expect(d.revision).toBe(2);
    expect(d.revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect(d.source).toContain("'bad'");
    const d1 = await describeStoredPolicy(s.app, { name: "no-latest", revision: 1 });
    expect(d1).toMatchObject({ revision: 1, latestRevision: 2, description: "d-no-latest" });
    expect(d1.digest).not.toBe(d.digest);
  });

  test("validation: broken policies, name mismatch, unknown names and revisions", async () => {
    expect(await codeOf(() => addPolicyText(s.app, { text: policy("x", "[1 +"), source: "b.yaml" }))).toStartWith("POLICY_INVALID");
    expect(await codeOf(() => addPolicyText(s.app, { name: "other", text: policy("x"), source: "x.yaml" }))).toBe(
      "USAGE: --name other does not match metadata.name x in x.yaml",
    );
    expect(await codeOf(() => describeStoredPolicy(s.app, { name: "x" }))).toBe("NOT_FOUND: policy x does not exist in organization default");
    await addPolicyText(s.app, { text: policy("x"), source: "x.yaml" });
    expect(await codeOf(() => describeStoredPolicy(s.app, { name: "x", revision: 3 }))).toBe("NOT_FOUND: policy x has no revision 3 (latest: 1)");
  });

  test("list: by name, paginated, scoped to the organization", async () => {
    for (const n of ["c-pol", "a-pol", "b-pol"]) await addPolicyText(s.app, { text: policy(n), source: `${n}.yaml` });
    await addPolicyText(s.app, { text: policy("a-pol", "['x']"), source: "a2.yaml" });
    const p1 = await listStoredPolicies(s.app, { limit: 2 });
    expect(p1.items.map((p) => [p.name, p.latestRevision])).toEqual([["a-pol", 2], ["b-pol", 1]]);
    const p2 = await listStoredPolicies(s.app, { limit: 2, next: p1.next });
    expect(p2.items.map((p) => p.name)).toEqual(["c-pol"]);
    expect(p2.next).toBeUndefined();
    const other = { ...s.app, config: { ...s.app.config, organization: "other" } };
    expect((await listStoredPolicies(other, {})).items).toEqual([]);
  });
});

describe("resolveAttachedPolicy with the store", () => {
  test("a bare name resolves to the latest revision; @sha256 pins are checked", async () => {
    const r1 = await addPolicyText(s.app, { text: policy("pinned"), source: "p.yaml" });
    const att = (ref: string) => ({ ref, with: {}, requirements: [], disabled: false });
    expect((await resolveAttachedPolicy(s.app, att("pinned"), "c.yaml")).digest).toBe(r1.digest);
    expect((await resolveAttachedPolicy(s.app, att(`pinned@${r1.digest}`), "c.yaml")).name).toBe("pinned");
    const r2 = await addPolicyText(s.app, { text: policy("pinned", "['v2']"), source: "p.yaml" });
    expect(await codeOf(() => resolveAttachedPolicy(s.app, att(`pinned@${r1.digest}`), "c.yaml"))).toBe(
      `POLICY_INVALID: policy pinned is pinned to ${r1.digest} but resolves to ${r2.digest}`,
    );
    expect(await codeOf(() => resolveAttachedPolicy(s.app, att("pinned@sha256:abc"), "c.yaml"))).toStartWith("POLICY_INVALID: policy reference pinned@sha256:abc has a malformed digest");
    expect(await codeOf(() => resolveAttachedPolicy(s.app, att("missing"), "c.yaml"))).toStartWith("NOT_FOUND: policy missing does not exist");
  });

  test("files and built-ins keep working, with pins; without a store a bare name says why", async () => {
    s.file("local.yaml", policy("local"));
    const att = (ref: string) => ({ ref, with: {}, requirements: [], disabled: false });
    const builtin = await resolveAttachedPolicy(s.app, att("builtin:junit-no-failures"), "c.yaml");
    expect((await resolveAttachedPolicy(s.app, att(`builtin:junit-no-failures@${builtin.digest}`), "c.yaml")).name).toBe(builtin.name);
    expect((await resolveAttachedPolicy(s.app, att("local.yaml"), "c.yaml")).name).toBe("local");
    const noStore = { config: { cwd: s.dir } };
    expect(await codeOf(() => resolveAttachedPolicy(noStore, att("pinned"), "c.yaml"))).toBe(
      "USAGE: policy pinned names a stored policy, which is only resolved where the store is",
    );
  });
});
