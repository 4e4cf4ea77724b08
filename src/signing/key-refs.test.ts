import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../test-helpers.ts";
import { loadPrivateKey, loadPublicKey, resolvePassword, type KeyDeps, type PasswordPrompt } from "./key-refs.ts";
import { keyId } from "./keys.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/keys");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const ECDSA_ID = "yKmoUkEUjo/cDs3XH7nu3LUAyu/clwGWtWVzF78SIgU=";
const ED25519_ID = "Nzt+RKrfp9TdPSofcqKWMbafkrOt9G/rgNB6B/OpOq4=";

/** In-memory KeyDeps: `files` by path, `env`, and a password getter that counts calls. */
function deps(files: Record<string, string>, env: Record<string, string | undefined> = {}) {
  const calls = { password: 0, read: 0 };
  const d: KeyDeps = {
    readFile: async (path) => {
      calls.read++;
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
      return new TextEncoder().encode(text);
    },
    env,
    getPassword: async () => (calls.password++, "test-password"),
  };
  return { d, calls };
}

function prompt(interactive: boolean, answer = "typed"): PasswordPrompt & { asked: string[] } {
  const asked: string[] = [];
  return { interactive, asked, ask: async (m) => (asked.push(m), answer) };
}

describe("loadPrivateKey", () => {
  test("file path", async () => {
    const { d, calls } = deps({ "/k/cosign.key": fixture("test-ecdsa.key") });
    expect(keyId(await loadPrivateKey("/k/cosign.key", d))).toBe(ECDSA_ID);
    expect(calls).toEqual({ password: 1, read: 1 });
  });

  test("env://VAR holds the PEM text; no file is read", async () => {
    const { d, calls } = deps({}, { SIGNING_KEY: fixture("test-ed25519.key") });
    expect(keyId(await loadPrivateKey("env://SIGNING_KEY", d))).toBe(ED25519_ID);
    expect(calls).toEqual({ password: 1, read: 0 });
  });

  test("unencrypted key via env:// never asks for a password", async () => {
    const { d, calls } = deps({}, { K: fixture("test-ecdsa-sec1.key") });
    await loadPrivateKey("env://K", d);
    expect(calls.password).toBe(0);
  });

  test("unset or blank env var → KEY_INVALID", async () => {
    const { d } = deps({}, { BLANK: "  " });
    await expectCode(() => loadPrivateKey("env://MISSING", d), "KEY_INVALID");
    await expectCode(() => loadPrivateKey("env://BLANK", d), "KEY_INVALID");
    await expectCode(() => loadPrivateKey("env://", d), "KEY_INVALID");
  });

  test("missing file → NOT_FOUND; unreadable → KEY_INVALID", async () => {
    await expectCode(() => loadPrivateKey("/nope.key", deps({}).d), "NOT_FOUND");
    const eacces: KeyDeps = {
      ...deps({}).d,
      readFile: async () => {
        throw Object.assign(new Error("EACCES"), { code: "EACCES" });
      },
    };
    await expectCode(() => loadPrivateKey("/locked.key", eacces), "KEY_INVALID");
  });
});

describe("loadPublicKey", () => {
  test("file path and env://", async () => {
    const pub = fixture("test-ecdsa.pub");
    expect(keyId(await loadPublicKey("cosign.pub", deps({ "cosign.pub": pub }).d))).toBe(ECDSA_ID);
    expect(keyId(await loadPublicKey("env://PUB", deps({}, { PUB: pub }).d))).toBe(ECDSA_ID);
  });
});

describe("resolvePassword", () => {
  test("CAIRN_SIGNING_PASSWORD wins over COSIGN_PASSWORD", async () => {
    const p = prompt(true);
    expect(await resolvePassword({ CAIRN_SIGNING_PASSWORD: "a", COSIGN_PASSWORD: "b" }, p)).toBe("a");
    expect(await resolvePassword({ COSIGN_PASSWORD: "b" }, p)).toBe("b");
    expect(p.asked).toEqual([]);
  });

  test("set-but-empty counts (cosign's convention for an empty password)", async () => {
    expect(await resolvePassword({ CAIRN_SIGNING_PASSWORD: "", COSIGN_PASSWORD: "b" }, prompt(true))).toBe("");
  });

  test("falls back to the prompt on a TTY", async () => {
    const p = prompt(true, "secret");
    expect(await resolvePassword({}, p)).toBe("secret");
    expect(p.asked.length).toBe(1);
  });

  test("no env and no TTY → KEY_PASSWORD with a hint", async () => {
    const err = await expectCode(() => resolvePassword({}, prompt(false)), "KEY_PASSWORD");
    expect(err.hint).toBeDefined();
  });

  test("for a new key the error names both variables, the empty-password convention and the TTY", async () => {
    const err = await expectCode(() => resolvePassword({}, prompt(false), "generate"), "KEY_PASSWORD");
    expect(err.message).toContain("generating a key needs a password");
    expect(err.message).toContain("CAIRN_SIGNING_PASSWORD or COSIGN_PASSWORD");
    expect(err.hint).toContain("an empty value means no password");
    expect(err.hint).toContain("terminal");
  });
});
