import { describe, expect, test } from "bun:test";
import { expectCode } from "../test-helpers.ts";
import { checkCombinations, policyFromFlags, vsaSigner, type VerifyFlags } from "./verify-flags.ts";

const flags = (f: Partial<VerifyFlags> = {}): VerifyFlags => ({
  allowBehind: false, includeInputs: false, requireTlog: false, policy: [], policyInput: [], key: [], trustedRoot: [], vsaKeyless: false, vsaPublicKey: [], output: "table", ...f,
});

describe("verify flags → VerificationPolicySpec", () => {
  test("every flag lands in its field, once; unset flags are absent", () => {
    expect(policyFromFlags(flags())).toEqual({});
    expect(
      policyFromFlags(flags({
        workflow: "build", project: "skynet", allowBehind: true, requireTlog: true, maxAge: "30d", policy: ["builtin:banned-licenses"],
        policyInput: ["licenses=AGPL-3.0-only,GPL-3.0-only"], sourceRef: "refs/heads/main", certificateIdentity: "me", certificateOidcIssuerRegexp: "https://.*",
      })),
    ).toEqual({
      workflow: "build", project: "skynet", allowBehind: true, requireTlog: true, maxAgeMs: 30 * 86_400_000, policies: ["builtin:banned-licenses"],
      policyInputs: { licenses: "AGPL-3.0-only,GPL-3.0-only" }, sourceRef: "refs/heads/main", certificateIdentity: "me", certificateOidcIssuerRegexp: "https://.*",
    });
  });

  test.each<[string, Partial<VerifyFlags>, RegExp]>([
    ["max age", { maxAge: "a month" }, /--max-age/],
    ["source ref", { sourceRef: "main" }, /--source-ref/],
    ["empty workflow", { workflow: " " }, /--workflow/],
    ["exclusive identity", { certificateIdentity: "a", certificateIdentityRegexp: "a" }, /--certificate-identity/],
    ["bad regexp", { certificateIdentityRegexp: "(" }, /--certificate-identity-regexp/],
    ["input without policy", { policyInput: ["a=b"] }, /--policy-input/],
  ])("USAGE naming the flag: %s", async (_n, f, message) => {
    const e = await expectCode(() => policyFromFlags(flags(f)), "USAGE");
    expect(e.message).toMatch(message);
  });

  test("combinations: VSA signers need --vsa, trust flags need --vsa-from, --vsa-signer is PROJECT/WORKFLOW", async () => {
    await expectCode(() => checkCombinations(flags({ vsaKey: "k" })), "USAGE");
    await expectCode(() => checkCombinations(flags({ vsa: "v", vsaKey: "k", vsaKeyless: true })), "USAGE");
    await expectCode(() => checkCombinations(flags({ vsaPublicKey: ["p"] })), "USAGE");
    await expectCode(() => checkCombinations(flags({ vsaFrom: "v", key: ["k"] })), "USAGE");
    expect(() => checkCombinations(flags({ vsa: "v", vsaKey: "k" }))).not.toThrow();
    expect(vsaSigner(flags({ vsaSigner: "platform/verify" }))).toEqual({ project: "platform", name: "verify" });
    await expectCode(() => vsaSigner(flags({ vsaSigner: "verify" })), "USAGE");
  });
});
