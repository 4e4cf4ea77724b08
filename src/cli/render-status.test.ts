import { expect, test } from "bun:test";
import { formatTime } from "./render-status.ts";

test("formatTime: RFC 822 day, month, two-digit year and UTC time, every month; not a date stays as given", () => {
  expect(formatTime("2026-09-03T07:05:09Z")).toBe("03 Sep 26 07:05 UTC");
  expect(formatTime("2025-12-31T23:59:59.999+01:00")).toBe("31 Dec 25 22:59 UTC");
  const months = Array.from({ length: 12 }, (_, i) => formatTime(`2024-${String(i + 1).padStart(2, "0")}-15T12:00:00Z`).slice(3, 6));
  expect(months).toEqual(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]);
  expect(formatTime("yesterday")).toBe("yesterday");
});
