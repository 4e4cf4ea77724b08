import { expect, test } from "bun:test";
import { expectCode } from "../test-helpers.ts";
import { checkLimit, decodeCursor, encodeCursor, toPage } from "./pagination.ts";

test("cursors round-trip and bad ones are usage errors", async () => {
  expect(decodeCursor(encodeCursor(["2026-11-01T00:00:00Z", "id-1", 3]))).toEqual(["2026-11-01T00:00:00Z", "id-1", 3]);
  await expectCode(() => decodeCursor("not-a-cursor"), "USAGE");
  await expectCode(() => checkLimit(0), "USAGE");
});

test("toPage keeps limit rows and points after the last one", () => {
  const p = toPage([1, 2, 3], 2, (n) => [n]);
  expect(p.items).toEqual([1, 2]);
  expect(decodeCursor(p.next!)).toEqual([2]);
  expect(toPage([1, 2], 2, (n) => [n]).next).toBeUndefined();
});
