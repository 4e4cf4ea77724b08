// The whole lifecycle (init + 3 adds + push, five cairn processes) and `cairn check` with 3 materials, each
// against one `in-toto-run` hashing the same three files and signing with an ed25519 key.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { median, record, runProcess } from "./lib.ts";
import { BIN, ensureDebianTool } from "./tools.ts";

const N = 9;

export async function benchLifecycle(work: string): Promise<void> {
  if (!ensureDebianTool("in-toto-run", "in-toto")) return;
  console.error("lifecycle and check vs in-toto-run");
  const dir = join(work, "lifecycle");
  runProcess(["mkdir", "-p", dir]);
  const files = ["app.bin", "report.txt", "notes.md"];
  files.forEach((f, i) => writeFileSync(join(dir, f), `small file ${i}\n`.repeat(200)));
  const contract = join(dir, "contract.yaml");
  writeFileSync(
    contract,
    "schemaVersion: v1\nmaterials:\n" + files.map((_f, i) => `  - name: m${i}\n    type: ARTIFACT\n`).join(""),
  );
  // Same conditions for both: ed25519, unencrypted keys (in-toto's securesystemslib JSON key, our PKCS#8 PEM).
  runProcess(["in-toto-keygen", "-t", "ed25519", join(dir, "intoto")]);
  runProcess(["openssl", "genpkey", "-algorithm", "ed25519", "-out", join(dir, "cairn.pem")]);
  const env = { PATH: process.env.PATH, HOME: dir, CAIRN_HOME: join(dir, "home") };
  const cairn = (...a: string[]) => runProcess([BIN, ...a], { cwd: dir, env });

  const lifecycle = () => {
    const t = [
      cairn("att", "init", "--workflow", "bench", "--project", "bench", "--contract", contract, "--replace"),
      ...files.map((f, i) => cairn("att", "add", "--name", `m${i}`, "--value", f)),
      cairn("att", "push", "--key", "cairn.pem"),
    ];
    return t.reduce((a, s) => a + s.ms, 0);
  };
  const check = () => cairn("check", "--contract", contract, ...files.flatMap((f, i) => ["--material", `m${i}=${f}`])).ms;
  const intoto = () =>
    runProcess(["in-toto-run", "-n", "build", "-k", "intoto", "-t", "ed25519", "-m", ...files, "-x"], { cwd: dir, env }).ms;

  lifecycle(); check(); intoto(); // warm the page cache
  const a: number[] = [], b: number[] = [], c: number[] = [];
  for (let i = 0; i < N; i++) {
    a.push(lifecycle());
    b.push(check());
    c.push(intoto());
  }
  const base = median(c);
  const life = median(a) / base;
  const chk = median(b) / base;
  record("in-toto-run (baseline), median", `${base.toFixed(1)} ms`);
  record("lifecycle init+3 adds+push, median", `${median(a).toFixed(1)} ms = ${life.toFixed(2)}x in-toto-run`, "<= 1.0x", life <= 1.0);
  record("cairn check, 3 materials, median", `${median(b).toFixed(1)} ms = ${chk.toFixed(2)}x in-toto-run`, "<= 0.5x", chk <= 0.5);
}
