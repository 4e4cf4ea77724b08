import { afterAll, afterEach, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { Command } from "commander";
import { io } from "../cli/io.ts";
import { expectCode } from "../test-helpers.ts";
import { caOidcCommand } from "./ca-oidc.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-ca-oidc-"));
const jwks = join(dir, "jwks.json");
const saved = { cp: process.env.CAIRN_CONTROL_PLANE, token: process.env.CAIRN_TOKEN };
beforeAll(async () => {
  delete process.env.CAIRN_CONTROL_PLANE;
  delete process.env.CAIRN_TOKEN;
  const { publicKey } = await generateKeyPair("ES256");
  writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1" }] }));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (saved.cp !== undefined) process.env.CAIRN_CONTROL_PLANE = saved.cp;
  if (saved.token !== undefined) process.env.CAIRN_TOKEN = saved.token;
});

const out: string[] = [];
const err: string[] = [];
const spies = [spyOn(io, "out").mockImplementation((t) => void out.push(t)), spyOn(io, "err").mockImplementation((t) => void err.push(t))];
afterEach(() => void (out.length = err.length = 0));
afterAll(() => spies.forEach((s) => s.mockRestore()));

/** `cairn ca oidc …` as the program will mount it (global options on the root). */
const run = (...args: string[]) =>
  new Command("cairn")
    .option("--home <dir>")
    .option("--control-plane <url>")
    .option("--token <t>")
    .exitOverride()
    .addCommand(new Command("ca").addCommand(caOidcCommand()))
    .parseAsync(["ca", "oidc", ...args], { from: "user" });

describe("cairn ca oidc", () => {
  test("add, list -o json, remove", async () => {
    const home = join(dir, "home");
    await run("add", "--issuer", "https://gitlab.com", "--jwks", jwks, "--audience", "sigstore", "--org", "acme", "-o", "json", "--home", home);
    expect(JSON.parse(out.join(""))).toMatchObject({ issuer: "https://gitlab.com", audience: "sigstore", org: "acme", keys: ["k1"] });
    out.length = 0;
    await run("list", "-o", "json", "--home", home);
    expect(JSON.parse(out.join("")).map((r: { issuer: string }) => r.issuer)).toEqual(["https://gitlab.com"]);
    out.length = 0;
    await run("list", "--home", home);
    expect(out.join("")).toContain("https://gitlab.com");
    expect([existsSync(join(home, "cairn.db")), existsSync(join(home, "oidc", "issuers.json"))]).toEqual([true, false]);
    await run("remove", "--issuer", "https://gitlab.com", "--home", home);
    out.length = 0;
    await run("list", "-o", "json", "--home", home);
    expect(JSON.parse(out.join(""))).toEqual([]);
  });

  test("a home's legacy oidc/issuers.json is imported into the store by the first `ca oidc` command, with a warning", async () => {
    const home = join(dir, "legacy");
    mkdirSync(join(home, "oidc"), { recursive: true });
    const entry = { issuer: "https://gitlab.com", audience: "sigstore", jwks: JSON.parse(await Bun.file(jwks).text()), jwksFile: jwks, addedAt: "2026-01-01T00:00:00.000Z" };
    writeFileSync(join(home, "oidc", "issuers.json"), JSON.stringify({ version: 1, issuers: [entry] }));
    await run("list", "-o", "json", "--home", home);
    expect(JSON.parse(out.join(""))).toEqual([{ issuer: "https://gitlab.com", audience: "sigstore", org: null, keys: ["k1"], jwksFile: jwks, addedAt: "2026-01-01T00:00:00.000Z" }]);
    expect(err.join("")).toContain(`WRN imported 1 OIDC issuer(s) from ${join(home, "oidc", "issuers.json")} into the store`);
    expect(existsSync(join(home, "oidc", "issuers.json.imported"))).toBe(true);
  });

  test("refused with --control-plane: issuers live in the local home", async () => {
    const e = await expectCode(() => run("list", "--home", join(dir, "h2"), "--control-plane", "http://127.0.0.1:1", "--token", "t"), "USAGE");
    expect(e.message).toContain("`cairn ca oidc list` does not work with --control-plane");
  });
});
