import { afterAll, expect, test } from "bun:test";
import { expectCode } from "../test-helpers.ts";
import { startTextVetter, VET_BUDGET_MS } from "./parse-vet.ts";

const errors: string[] = [];
const vetter = startTextVetter((m) => void errors.push(m));
afterAll(() => vetter.stop());

test("text that parses quickly passes, text that does not is TOO_LARGE, and the worker goes on", async () => {
  await vetter.vet("schemaVersion: v1\nmaterials:\n  - {type: ARTIFACT, name: bin}\n", "field text");
  // 250 KB of nested compact mappings: ~0.7 s in the YAML library.
  const err = await expectCode(() => vetter.vet(`a: ${"n: ch".repeat(50_000)}`, "field text"), "TOO_LARGE");
  expect(err.message).toMatch(new RegExp(`^field text takes .+ to parse, over the server's budget of ${VET_BUDGET_MS} ms$`));
  await vetter.vet("apiVersion: cairn.dev/v1\nkind: Policy\n", "field text");
  expect(errors).toEqual([]);
});

test("requests queue behind one another and each gets its own answer", async () => {
  const texts = Array.from({ length: 20 }, (_, i) => `a${i}: ${i}\n`);
  await Promise.all(texts.map((t) => vetter.vet(t, "field text")));
});
