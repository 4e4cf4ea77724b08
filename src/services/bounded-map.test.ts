import { expect, test } from "bun:test";
import { BoundedMap } from "./bounded-map.ts";

test("BoundedMap drops the oldest key past its bound, replaces an existing key in place, and makes a missing one once", () => {
  const m = new BoundedMap<string, number>(2);
  m.set("a", 1).set("b", 2);
  m.set("a", 10); // existing: nothing dropped
  expect([...m]).toEqual([["a", 10], ["b", 2]]);
  m.set("c", 3); // "a" was inserted first
  expect([...m.keys()]).toEqual(["b", "c"]);
  let made = 0;
  expect(m.getOrMake("d", () => ++made)).toBe(1);
  expect(m.getOrMake("d", () => ++made)).toBe(1);
  expect([...m.keys()]).toEqual(["c", "d"]);
});
