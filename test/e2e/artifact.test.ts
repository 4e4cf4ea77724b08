import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { BIN, Sandbox } from "./harness.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const MIB = 1024 * 1024;

async function fileDigest(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest("hex")}`;
}

describe("artifact upload/download through the binary", () => {
  const sb = new Sandbox();
  const big = randomBytes(3 * MIB + 5); // several read chunks
  const small = "a small file\n";
  let casPath = (_d: string) => "";

  /** Runs the binary and returns its peak resident memory too. */
  // Peak RSS through GNU time: it forks the binary from its own small process. A child forked from this test
  // process would report the test's RSS as its peak (Linux keeps the pre-exec high-water mark).
  const measured = (args: string[], cwd = sb.dir) => {
    const rssFile = sb.path("rss.txt");
    const p = Bun.spawnSync(["/usr/bin/time", "-f", "%M", "-o", rssFile, BIN, ...args], { cwd, env: sb.env, stdout: "pipe", stderr: "pipe" });
    return { code: p.exitCode, stdout: p.stdout, stderr: p.stderr.toString(), maxRSS: Number(readFileSync(rssFile, "utf8").trim()) * 1024 };
  };

  beforeAll(() => {
    writeFileSync(sb.path("big.bin"), big);
    writeFileSync(sb.path("small.txt"), small);
    mkdirSync(sb.path("dl"));
    casPath = (d: string) => join(sb.home, "cas", "sha256", d.slice(7, 9), d.slice(7));
  });
  afterAll(() => sb.cleanup());

  test("upload prints the digest, name and size; the blob is in the CAS", () => {
    const r = sb.json<{ digest: string; name: string; size: number }>(["artifact", "upload", "big.bin"]);
    expect(r).toEqual({ digest: sha(big), name: "big.bin", size: big.length });
    expect(existsSync(casPath(r.digest))).toBe(true);
    expect(sb.ok(["artifact", "upload", "small.txt"]).stdout).toContain(sha(small));
  });

  test("a 192 MiB round trip streams both ways: peak memory stays well below the file size", async () => {
    // Written and hashed in 1 MiB pieces; the binary's peak RSS must stay well below the file size both ways.
    const huge = sb.path("huge.bin");
    const fd = openSync(huge, "w");
    const block = randomBytes(MIB);
    const h = createHash("sha256");
    for (let i = 0; i < 192; i++) {
      block.writeUInt32BE(i, 0);
      writeSync(fd, block);
      h.update(block);
    }
    closeSync(fd);
    const digest = `sha256:${h.digest("hex")}`;
    const up = measured(["artifact", "upload", "huge.bin", "-o", "json"]);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout.toString()).digest).toBe(digest);
    const down = measured(["artifact", "download", "--digest", digest, "--output", "dl/huge.copy"]);
    expect(down.code).toBe(0);
    expect(await fileDigest(sb.path("dl", "huge.copy"))).toBe(digest);
    const limit = 128 * MIB;
    expect(up.maxRSS).toBeLessThan(limit);
    expect(down.maxRSS).toBeLessThan(limit);
    rmSync(huge);
    rmSync(sb.path("dl", "huge.copy"));
  });

  test("--output - streams to stdout; the default output is the recorded name in cwd", () => {
    const r = measured(["artifact", "download", "--digest", sha(big), "--output", "-"]);
    expect(r.code).toBe(0);
    expect(sha(r.stdout)).toBe(sha(big));
    const fresh = sb.path("fresh");
    mkdirSync(fresh);
    expect(measured(["artifact", "download", "--digest", sha(small)], fresh).code).toBe(0);
    expect(readFileSync(join(fresh, "small.txt"), "utf8")).toBe(small);
    const again = measured(["artifact", "download", "--digest", sha(small)], fresh);
    expect(again.code).toBe(2); // never overwrites a file it was not told to
  });

  test("a flipped byte in the CAS: download exits 1 and leaves no file; to stdout it fails at the end", () => {
    const path = casPath(sha(small));
    const bytes = readFileSync(path);
    bytes[0]! ^= 0x01;
    writeFileSync(path, bytes);
    const before = readdirSync(sb.path("dl")).sort();
    const r = sb.run(["artifact", "download", "--digest", sha(small), "--output", "dl/corrupt.txt"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERR blob ${sha(small)} is corrupt`);
    expect(readdirSync(sb.path("dl")).sort()).toEqual(before);
    const piped = sb.run(["artifact", "download", "--digest", sha(small), "--output", "-"]);
    expect(piped.code).toBe(1);
    expect(piped.stdout).toBe(bytes.toString());
    expect(piped.stderr).toContain("is corrupt");
  });

  test("unknown digest exits 1, malformed digest and missing file exit 2 or 1", () => {
    expect(sb.run(["artifact", "download", "--digest", sha("never uploaded")]).code).toBe(1);
    expect(sb.run(["artifact", "download", "--digest", "big.bin"]).code).toBe(2);
    expect(sb.run(["artifact", "upload", "missing.bin"]).code).toBe(1);
  });
});
