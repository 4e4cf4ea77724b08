import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { openPgDatabase } from "./database.ts";
import { pgBin, startCluster } from "./pg-cluster.testutil.ts";
import { parseDatabaseUrl } from "./url.ts";

// sslmode and sslrootcert against a real TLS server: a cluster of its own whose certificate, issued by a test CA,
// names only `localhost`, so connecting to 127.0.0.1 tells verify-ca (chain only) from verify-full (chain and host).
setDefaultTimeout(60_000);
const bin = pgBin();
const openssl = spawnSync("openssl", ["version"]).status === 0;
const skip = !bin ? "no PostgreSQL binaries" : !openssl ? "no openssl CLI" : undefined;
const dir = mkdtempSync(join(tmpdir(), "cairn-pgtls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ossl(...args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
}

function makeCa(name: string): void {
  ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`);
}

let serverP: Promise<string> | undefined;
function server(): Promise<string> {
  return (serverP ??= (async () => {
    makeCa("ca");
    makeCa("other-ca");
    writeFileSync(join(dir, "san.ext"), "subjectAltName = DNS:localhost\n");
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", join(dir, "san.ext"));
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    const url = await startCluster(bin!, { cert: read("server.crt"), key: read("server.key") });
    return new URL(url).port;
  })());
}

async function connect(host: string, query: string): Promise<unknown> {
  const db = openPgDatabase(parseDatabaseUrl(`postgres://postgres@${host}:${await server()}/postgres?${query}`), { max: 1 });
  try {
    return (await db.query<{ ssl: boolean }>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))[0]?.ssl;
  } finally {
    await db.close();
  }
}

describe.skipIf(skip !== undefined)(`sslmode and sslrootcert${skip ? ` (skipped: ${skip})` : ""}`, () => {
  test("disable talks plain; prefer and require encrypt without checking the certificate", async () => {
    expect(await connect("127.0.0.1", "sslmode=disable")).toBe(false);
    expect(await connect("127.0.0.1", "sslmode=prefer")).toBe(true);
    expect(await connect("127.0.0.1", "sslmode=require")).toBe(true);
  });

  test("verify-ca checks the chain against sslrootcert but not the host name; verify-full checks both", async () => {
    const ca = `sslrootcert=${join(dir, "ca.crt")}`;
    const other = `sslrootcert=${join(dir, "other-ca.crt")}`;
    expect(await connect("127.0.0.1", `sslmode=verify-ca&${ca}`)).toBe(true);
    expect(await connect("localhost", `sslmode=verify-full&${ca}`)).toBe(true);
    await expectCode(() => connect("127.0.0.1", `sslmode=verify-full&${ca}`), "NETWORK"); // the certificate names localhost
    await expectCode(() => connect("127.0.0.1", `sslmode=verify-ca&${other}`), "NETWORK");
    await expectCode(() => connect("localhost", `sslmode=verify-full&${other}`), "NETWORK");
    await expectCode(() => connect("127.0.0.1", `sslmode=require&${other}`), "NETWORK"); // libpq: require with a root cert = verify-ca
  });
});
