import { describe, expect, test } from "bun:test";
import { expectCode } from "../test-helpers.ts";
import { webhookSettings } from "./serve-webhooks.ts";

const DEFAULTS = { webhookAttempts: "8", webhookTimeout: "10s", webhookBackoff: "1s", complianceInterval: "24h" };

describe("webhookSettings (cairn serve flags)", () => {
  test("the defaults", () => {
    expect(webhookSettings(DEFAULTS, {})).toEqual({ attempts: 8, timeoutMs: 10_000, backoffBaseMs: 1000, complianceIntervalMs: 86_400_000, complianceFirstDelayMs: 60_000 });
  });

  test("--compliance-interval 0 turns the job off; CAIRN_COMPLIANCE_FIRST_DELAY sets the first run", () => {
    for (const off of ["0", "0s", "0h"]) expect(webhookSettings({ ...DEFAULTS, complianceInterval: off }, {}).complianceIntervalMs).toBe(0);
    expect(webhookSettings(DEFAULTS, { CAIRN_COMPLIANCE_FIRST_DELAY: "0s" }).complianceFirstDelayMs).toBe(0);
    expect(webhookSettings(DEFAULTS, { CAIRN_COMPLIANCE_FIRST_DELAY: "" }).complianceFirstDelayMs).toBe(60_000);
  });

  test("bad values stop the server with USAGE, naming the flag", async () => {
    for (const n of ["0", "-1", "x", "1.5", "1000"]) {
      const e = await expectCode(() => webhookSettings({ ...DEFAULTS, webhookAttempts: n }, {}), "USAGE");
      expect(e.message).toContain("--webhook-attempts");
    }
    expect((await expectCode(() => webhookSettings({ ...DEFAULTS, webhookTimeout: "10" }, {}), "USAGE")).message).toContain("--webhook-timeout");
    expect((await expectCode(() => webhookSettings({ ...DEFAULTS, complianceInterval: "daily" }, {}), "USAGE")).message).toContain("--compliance-interval");
    expect((await expectCode(() => webhookSettings(DEFAULTS, { CAIRN_COMPLIANCE_FIRST_DELAY: "soon" }), "USAGE")).message).toContain("CAIRN_COMPLIANCE_FIRST_DELAY");
  });
});
