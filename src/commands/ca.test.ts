import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { orgChain } from "../ca/org-chain.testutil.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-ca-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MAIN = join(import.meta.dir, "..", "main.ts");

function cairn(args: string[], env: Record<string, string> = {}) {
  const r = Bun.spawnSync([process.execPath, MAIN, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir, ...env } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

describe("cairn ca", () => {
  test("init prints the fingerprints and where the files are; show lists both chains; a second init is refused", () => {
    const home = join(dir, "h1");
    const init = cairn(["ca", "init", "--home", home, "--name", "acme"], { CAIRN_CA_PASSWORD: "pw" });
    expect(init.code).toBe(0);
    expect(init.err).toContain(`INF CA created in ${join(home, "ca")}`);
    expect(init.err).toMatch(/root fingerprint \(SHA-256\): [0-9a-f]{64}/);
    expect(init.err).toMatch(/intermediate fingerprint \(SHA-256\): [0-9a-f]{64}/);
    expect(init.err).toContain("`cairn serve` on this home now issues signing certificates");
    const show = cairn(["ca", "show", "--home", home, "-o", "json"]);
    const s = JSON.parse(show.out);
    expect(s.keysEncrypted).toBe(true);
    expect(s.ca.map((c: { role: string }) => c.role)).toEqual(["intermediate", "root"]);
    expect(s.tsa.map((c: { subject: string }) => c.subject)).toEqual(["O=acme, CN=acme timestamping", "O=acme, CN=acme root"]);
    expect(init.err).toContain(s.ca[1].sha256);
    expect(cairn(["ca", "show", "--home", home]).out).toContain("acme intermediate");
    const again = cairn(["ca", "init", "--home", home]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("ERR this home already has a CA");
    expect(cairn(["ca", "init", "--home", home, "--force"]).code).toBe(0);
  });

  test("import reads --chain and --key (password from CAIRN_CA_KEY_PASSWORD); refusals exit non-zero with the reason", async () => {
    const org = await orgChain();
    writeFileSync(join(dir, "chain.pem"), org.chainPem);
    writeFileSync(join(dir, "org.key"), org.inter.key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "orgpw" }).toString());
    const home = join(dir, "h2");
    const noPw = cairn(["ca", "import", "--home", home, "--chain", "chain.pem", "--key", "org.key"]);
    expect(noPw.code).toBe(1);
    expect(noPw.err).toContain("ERR --key org.key is encrypted and no password was given");
    expect(noPw.err).toContain("CAIRN_CA_KEY_PASSWORD");
    const ok = cairn(["ca", "import", "--home", home, "--chain", "chain.pem", "--key", "org.key"], { CAIRN_CA_KEY_PASSWORD: "orgpw" });
    expect(ok.code).toBe(0);
    expect(ok.err).toContain(`INF CA imported into ${join(home, "ca")}`);
    expect(ok.err).toContain("WRN the CA's private keys are not encrypted");
    expect(cairn(["ca", "show", "--home", home]).out).toContain("CN=Acme Signing CA, O=Acme");
    const missing = cairn(["ca", "import", "--home", join(dir, "h3"), "--chain", "nope.pem", "--key", "org.key"]);
    expect(missing.err).toContain("ERR --chain nope.pem does not exist or cannot be read");
    expect(cairn(["ca", "show", "--home", join(dir, "h3")]).err).toContain("has no CA");
  });

  test("refused under --control-plane", () => {
    const r = cairn(["ca", "show", "--home", join(dir, "h1"), "--control-plane", "http://127.0.0.1:1", "--token", "t"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("`cairn ca show` does not work with --control-plane");
  });
});
