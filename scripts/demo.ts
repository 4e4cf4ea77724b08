// `npm start`: a complete offline run of the compiled binary in a temporary home — key generation, init against
// the demo contract, adds, status, push (with its SLSA provenance), verify, then workflow/run lists, discover and
// `cairn verify artifact` — printing each command and where the bundle landed.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const bin = join(root, "dist", "cairn");
const work = mkdtempSync(join(tmpdir(), "cairn-demo-"));
const home = join(work, "home");
const env: Record<string, string | undefined> = { ...process.env, CAIRN_HOME: home, CAIRN_SIGNING_PASSWORD: "demo-password" };
for (const k of ["GITHUB_ACTIONS", "GITHUB_RUN_ID", "GITLAB_CI", "CI", "JENKINS_HOME", "TF_BUILD", "CIRCLECI"]) delete env[k];

writeFileSync(join(work, "app.bin"), crypto.getRandomValues(new Uint8Array(2 * 1024 * 1024)));
writeFileSync(join(work, "Dockerfile"), "FROM scratch\nCOPY app.bin /app\n");

function run(...args: string[]): string {
  console.log(`\n$ cairn ${args.join(" ")}`);
  const p = Bun.spawnSync([bin, ...args], { cwd: work, env, stdout: "pipe", stderr: "pipe" });
  const out = p.stdout.toString();
  process.stdout.write(out);
  process.stdout.write(p.stderr.toString());
  if (p.exitCode !== 0) {
    console.error(`demo step failed with exit code ${p.exitCode}`);
    process.exit(1);
  }
  return out;
}

console.log(`cairn demo in ${work} (CAIRN_HOME=${home}); nothing here touches the network`);
run("keys", "generate", "--output-prefix", "cosign");
run("attestation", "init", "--workflow", "build-and-test", "--project", "skynet", "--team", "cyberdyne core", "--contract", join(root, "fixtures/contracts/demo.yaml"));
run("attestation", "add", "--name", "build-ref", "--value", "80e461e9b385c6986cdb8096c9dc99928943d667");
run("attestation", "add", "--name", "binary", "--value", "app.bin");
run("attestation", "add", "--name", "sbom", "--value", join(root, "fixtures/demo/sbom.cdx.json"));
run("attestation", "add", "--name", "dockerfile", "--value", "Dockerfile");
run("attestation", "status", "--full");
const pushed = JSON.parse(run("attestation", "push", "--key", "cosign.key", "--bundle", "attestation.sigstore.json", "-o", "json")) as { digest: string; storedAt?: string };
run("attestation", "verify", "--bundle", "attestation.sigstore.json", "--key", "cosign.pub", "--artifact", "app.bin");
// The SecOps side: the workflow, its runs, and every attestation that references the binary.
run("workflow", "list");
run("workflow", "run", "list");
const binary = `sha256:${new Bun.CryptoHasher("sha256").update(await Bun.file(join(work, "app.bin")).arrayBuffer()).digest("hex")}`;
run("discover", binary);
// At the point of use (a deploy, a release): is the binary backed by an attestation of the workflow that built it?
run("verify", "artifact", "app.bin", "--key", "cosign.pub", "--workflow", "build-and-test", "--project", "skynet", "--require-provenance");
console.log(`\nDone. Attestation ${pushed.digest}`);
console.log(`  bundle:        ${join(work, "attestation.sigstore.json")}`);
console.log(`  stored in CAS: ${pushed.storedAt ?? "(not stored)"}`);
console.log(`  store:         ${join(home, "cairn.db")}`);
