// The whole lifecycle (init + 3 adds + push, five cairn processes) and `cairn check` with 3 materials, each
// against one `in-toto-run` hashing the same three files and signing with an ed25519 key. Each command's median,
// five `cairn --version` starts (the floor: what five processes cost before any work), and the scrypt cost of an
// encrypted cosign key (push with it minus push with the unencrypted PEM) on lines of their own.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { median, record, runProcess } from "./lib.ts";
import { BIN, ensureDebianTool } from "./tools.ts";

const N = 11;

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
  const env = { PATH: process.env.PATH, HOME: dir, CAIRN_HOME: join(dir, "home"), CAIRN_SIGNING_PASSWORD: "bench" };
  const cairn = (...a: string[]) => runProcess([BIN, ...a], { cwd: dir, env }).ms;
  // cosign's format: scrypt-encrypted (CAIRN_SIGNING_PASSWORD), so a push with it pays the key derivation.
  cairn("keys", "generate", "--kind", "ed25519", "--output-prefix", "cosign");

  const steps = ["init", "add m0", "add m1", "add m2", "push"];
  const perStep: number[][] = steps.map(() => []);
  const lifecycle = (key = "cairn.pem") => {
    const t = [
      cairn("att", "init", "--workflow", "bench", "--project", "bench", "--contract", contract, "--replace"),
      ...files.map((f, i) => cairn("att", "add", "--name", `m${i}`, "--value", f)),
      cairn("att", "push", "--key", key),
    ];
    return t;
  };
  const check = () => cairn("check", "--contract", contract, ...files.flatMap((f, i) => ["--material", `m${i}=${f}`]));
  const versions = () => [0, 1, 2, 3, 4].reduce((a) => a + cairn("--version"), 0);
  const intoto = () =>
    runProcess(["in-toto-run", "-n", "build", "-k", "intoto", "-t", "ed25519", "-m", ...files, "-x"], { cwd: dir, env }).ms;

  lifecycle(); lifecycle("cosign.key"); check(); versions(); intoto(); // warm the page cache
  const a: number[] = [], b: number[] = [], c: number[] = [], v: number[] = [], pem: number[] = [], cosign: number[] = [];
  // in-toto-run runs right before each lifecycle, and the ratio is taken per pair: this machine's speed drifts by
  // up to 1.5x within a run, and two medians taken minutes apart compare different machines.
  const ratios: number[] = [];
  for (let i = 0; i < N; i++) {
    c.push(intoto());
    const t = lifecycle();
    t.forEach((ms, j) => perStep[j]!.push(ms));
    a.push(t.reduce((x, y) => x + y, 0));
    ratios.push(a[i]! / c[i]!);
    pem.push(t[4]!);
    cosign.push(lifecycle("cosign.key")[4]!);
    b.push(check());
    v.push(versions());
  }
  const base = median(c);
  const x = (ms: number) => `${ms.toFixed(1)} ms = ${(ms / base).toFixed(2)}x in-toto-run`;
  record("in-toto-run (baseline), median", `${base.toFixed(1)} ms`);
  record("lifecycle init+3 adds+push, median", x(median(a)));
  record("lifecycle / in-toto-run, median of pairs", `${median(ratios).toFixed(2)}x (pairs ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`, "<= 1.0x", median(ratios) <= 1.0);
  steps.forEach((s, j) => record(`  att ${s}, median`, `${median(perStep[j]!).toFixed(1)} ms`));
  record("floor: 5x cairn --version, median", x(median(v)));
  record("encrypted cosign key: scrypt cost", `${(median(cosign) - median(pem)).toFixed(1)} ms (push ${median(cosign).toFixed(1)} vs ${median(pem).toFixed(1)} ms)`);
  record("cairn check, 3 materials, median", x(median(b)), "<= 0.5x", median(b) / base <= 0.5);
}
