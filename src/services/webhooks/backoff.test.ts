import { describe, expect, test } from "bun:test";
import { DEFAULT_BACKOFF, retryDelayMs } from "./backoff.ts";

describe("retryDelayMs", () => {
  const almostOne = () => 0.999999;

  test("the ceiling doubles from the base each failed attempt", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, almostOne))).toEqual([999, 1999, 3999, 7999]);
  });

  test("never past the cap, however many attempts", () => {
    expect(retryDelayMs(11, almostOne)).toBe(DEFAULT_BACKOFF.capMs - 1);
    expect(retryDelayMs(10_000, almostOne)).toBe(DEFAULT_BACKOFF.capMs - 1);
  });

  test("full jitter: uniform from zero up to the ceiling", () => {
    expect(retryDelayMs(3, () => 0)).toBe(0);
    expect(retryDelayMs(3, () => 0.5)).toBe(2000);
    const seen = Array.from({ length: 500 }, () => retryDelayMs(4, Math.random));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...seen)).toBeLessThan(8000);
    expect(new Set(seen).size).toBeGreaterThan(100);
  });

  test("a custom base and cap", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, almostOne, { baseMs: 10, capMs: 35 }))).toEqual([9, 19, 34, 34]);
  });
});
