import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { WEBHOOK_EVENTS } from "../../store/webhook-port.ts";
import { checkEvents, checkSecretEnv, checkWebhookUrl, isLoopback, type Resolver } from "./validate.ts";

/** A resolver knowing only these names. */
const hosts = (table: Record<string, string[]>): Resolver => async (h) => {
  const a = table[h];
  if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: "ENOTFOUND" });
  return a;
};
const dns = hosts({ "hooks.example": ["203.0.113.7"], "localhost": ["127.0.0.1"], "empty.example": [] });

describe("checkWebhookUrl", () => {
  test("https and http URLs to hosts that resolve are accepted; http off loopback is flagged plaintext", async () => {
    expect(await checkWebhookUrl("https://hooks.example/cairn?x=1", dns)).toEqual({ url: "https://hooks.example/cairn?x=1", plaintext: false });
    expect(await checkWebhookUrl("http://hooks.example/cairn", dns)).toEqual({ url: "http://hooks.example/cairn", plaintext: true });
    expect((await checkWebhookUrl("http://localhost:8080/h", dns)).plaintext).toBe(false);
    expect((await checkWebhookUrl("http://127.0.0.1:9/h", dns)).plaintext).toBe(false);
    expect((await checkWebhookUrl("http://[::1]:9/h", dns)).plaintext).toBe(false);
    expect((await checkWebhookUrl("http://10.1.2.3/h", dns)).plaintext).toBe(true);
  });

  test("refused with the field named and the fix: not a URL, other schemes, credentials, a fragment", async () => {
    expect((await expectCode(() => checkWebhookUrl("hooks.example/x", dns), "USAGE")).message).toBe('--url "hooks.example/x" is not a URL');
    expect((await expectCode(() => checkWebhookUrl("ftp://hooks.example/x", dns), "USAGE")).message).toContain("ftp is not supported");
    const creds = await expectCode(() => checkWebhookUrl("https://bob:hunter2@hooks.example/x", dns), "USAGE");
    expect(creds.message).toContain("carries credentials");
    expect(creds.message).not.toContain("hunter2");
    expect((await expectCode(() => checkWebhookUrl("https://token@hooks.example/x", dns), "USAGE")).message).toContain("carries credentials");
    expect((await expectCode(() => checkWebhookUrl("https://hooks.example/x#frag", dns), "USAGE")).hint).toBe("drop the #… part of the URL");
    expect((await expectCode(() => checkWebhookUrl("https://hooks.example/x#", dns), "USAGE")).message).toContain("fragment");
  });

  test("a host that resolves to nothing is NOT_FOUND naming the host (node:dns by default)", async () => {
    expect((await expectCode(() => checkWebhookUrl("https://nope.example/", dns), "NOT_FOUND")).message).toBe("--url: the host nope.example does not resolve (ENOTFOUND)");
    expect((await expectCode(() => checkWebhookUrl("https://empty.example/", dns), "NOT_FOUND")).message).toContain("empty.example resolves to no address");
    expect((await expectCode(() => checkWebhookUrl("https://no-such-host.invalid/"), "NOT_FOUND")).message).toContain("no-such-host.invalid does not resolve");
  });

  test("isLoopback", () => {
    expect(["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"].map(isLoopback)).toEqual([true, true, true, true]);
    expect(["10.0.0.1", "::2", "128.0.0.1"].map(isLoopback)).toEqual([false, false, false]);
  });
});

describe("checkEvents", () => {
  test("absent: all; given: deduplicated, in the order of WEBHOOK_EVENTS", () => {
    expect(checkEvents(undefined)).toEqual([...WEBHOOK_EVENTS]);
    expect(checkEvents(["run.failed", " contract.revised", "run.failed"])).toEqual(["contract.revised", "run.failed"]);
  });

  test("unknown names are refused with the list; an empty list too", async () => {
    const err = await expectCode(() => checkEvents(["run.failed", "run.exploded", "push"]), "USAGE");
    expect(err.message).toBe('--events: "run.exploded", "push" are not events');
    expect(err.hint).toBe(`the events are: ${WEBHOOK_EVENTS.join(", ")}`);
    expect(() => checkEvents([" ", ""])).toThrow("--events is empty");
  });
});

describe("checkSecretEnv", () => {
  test("a variable name set in the given environment is kept (the name only); absent is null", () => {
    expect(checkSecretEnv("HOOK_SECRET", { HOOK_SECRET: "s3cr3t" }, "local")).toBe("HOOK_SECRET");
    expect(checkSecretEnv(undefined, {}, "local")).toBeNull();
  });

  test("an invalid name, or a variable unset or empty where it delivers, is USAGE naming it", () => {
    expect(() => checkSecretEnv("1BAD", {}, "local")).toThrow('--secret-env "1BAD" is not an environment variable name');
    expect(() => checkSecretEnv("s3cr3t value", {}, "local")).toThrow("is not an environment variable name");
    expect(() => checkSecretEnv("CAIRN_WEBHOOK_CI", {}, "server")).toThrow("--secret-env CAIRN_WEBHOOK_CI: the variable is not set (or is empty) in the environment of the cairn serve server");
    expect(() => checkSecretEnv("HOOK_SECRET", { HOOK_SECRET: "" }, "local")).toThrow("in the environment of this shell");
  });

  test("through the server only CAIRN_WEBHOOK_* names, refused before the value is looked at (no oracle of the server's variables)", () => {
    const env = { CAIRN_DATABASE_URL: "postgres://cairn:pw@db/cairn", AWS_SECRET_ACCESS_KEY: "k", CAIRN_WEBHOOK_: "x", CAIRN_WEBHOOK_CI: "s3cr3t" };
    expect(checkSecretEnv("CAIRN_WEBHOOK_CI", env, "server")).toBe("CAIRN_WEBHOOK_CI");
    for (const name of ["CAIRN_DATABASE_URL", "AWS_SECRET_ACCESS_KEY", "NO_SUCH_VARIABLE", "CAIRN_WEBHOOK_"]) {
      expect(() => checkSecretEnv(name, env, "server")).toThrow(`--secret-env ${name}: through cairn serve, webhook secrets come from variables named CAIRN_WEBHOOK_…`);
    }
    expect(checkSecretEnv("AWS_SECRET_ACCESS_KEY", env, "local")).toBe("AWS_SECRET_ACCESS_KEY"); // the operator's own shell
  });
});
