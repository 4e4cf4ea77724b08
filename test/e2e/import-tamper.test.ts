// Issue 18, "tamper evidence of what import and fsck trust", through the compiled binary: every forgery of an export
// (runs.json fields, a contract body, with the manifest recomputed) is refused, and fsck and run describe --verify
// catch a store whose rows were edited after the fact.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { closeSync, copyFileSync, openSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { rewriteTar, type TarEntry } from "../../src/services/transfer/tar.testutil.ts";
import { Sandbox } from "./harness.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const CONTRACT = `apiVersion: cairn.dev/v1
kind: Contract
metadata:
  name: build
spec:
  materials:
    - { type: ARTIFACT, name: binary, output: true }
`;

/** runs.json [0] edited by `edit` (and any other entry by `also`), manifest.json recomputed to list the new digests. */
function forge(edit: (run: Record<string, unknown>) => void, also: (es: TarEntry[]) => TarEntry[] = (es) => es) {
  return (entries: TarEntry[]): TarEntry[] => {
    const es = also(entries).map((e) => {
      if (e.header.name !== "runs.json") return e;
      const runs = JSON.parse(e.body.toString()) as Record<string, unknown>[];
      edit(runs[0]!);
      return { ...e, body: Buffer.from(JSON.stringify(runs, null, 2)) };
    });
    const m = es.at(-1)!;
    const manifest = JSON.parse(m.body.toString()) as { entries: { name: string; digest: string; size: number }[] };
    manifest.entries = es.filter((e) => e !== m && e.header.name !== "manifest.sigstore.json").map((e) => ({ name: e.header.name, digest: sha(e.body), size: e.body.length }));
    return [...es.slice(0, -1), { ...m, body: Buffer.from(JSON.stringify(manifest, null, 2)) }];
  };
}

const editBody = (es: TarEntry[]) => es.map((e) => (e.header.name.startsWith("contracts/build/") ? { ...e, body: Buffer.from(e.body.toString().replace("output: true", "output: false")) } : e));

const FORGERIES: [string, (r: Record<string, unknown>) => void, RegExp, ((es: TarEntry[]) => TarEntry[])?][] = [
  ["team", (r) => (r.team = "security"), /the signed team is null, but runs\.json \[0\] team says "security"/],
  ["reason", (r) => (r.reason = "approved by the release board"), /runs\.json \[0\] reason says "approved by the release board", but the signed policy verdict gives null/],
  ["runnerUrl", (r) => (r.runnerUrl = "https://ci.example/run/1"), /the signed runner\.url is null, but runs\.json \[0\] runnerUrl says "https:\/\/ci\.example\/run\/1"/],
  ["createdAt", (r) => (r.createdAt = "2020-01-01T00:00:00.000Z"), /the signed initializedAt is "[^"]+", but runs\.json \[0\] createdAt says "2020-01-01T00:00:00\.000Z"/],
  ["finishedAt", (r) => (r.finishedAt = "2019-01-01T00:00:00.000Z"), /runs\.json \[0\] finishedAt 2019-01-01T00:00:00\.000Z is before the run was created/],
  ["contractRevisionLatest", (r) => (r.contractRevisionLatest = 9), /runs\.json \[0\]: contractRevisionLatest 9, but contract build has 1 revision/],
  ["contract body", () => {}, /contracts\/build\/1\.yaml: hashes to sha256:[0-9a-f]{64}, but run [0-9a-f-]+'s signed contractDigest is sha256:[0-9a-f]{64}/, editBody],
];

describe("import refuses forged exports", () => {
  const a = new Sandbox();
  const b = new Sandbox();

  beforeAll(() => {
    writeFileSync(a.path("app.bin"), "the application\n");
    writeFileSync(a.path("build.yaml"), CONTRACT);
    a.ok(["keys", "generate", "--output-prefix", "cosign"]);
    a.ok(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", "build.yaml"]);
    a.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    a.ok(["att", "push", "--key", "cosign.key"]);
    a.ok(["export", "-o", "signed.tar", "--key", "cosign.key"]);
    expect(a.ok(["export", "-o", "unsigned.tar"]).stderr).toContain("the manifest is not signed");
    copyFileSync(a.path("cosign.pub"), b.path("cosign.pub"));
    b.ok(["org", "list"]); // creates B's store, so "unchanged" compares real tables
  });
  afterAll(() => {
    a.cleanup();
    b.cleanup();
  });

  /** Exit 1 naming `message`, B's store as it was, no staging left. */
  async function refused(src: string, edit: (es: TarEntry[]) => TarEntry[], message: RegExp, flags: string[] = []) {
    const name = `forged-${Math.random().toString(36).slice(2)}.tar`;
    await rewriteTar(a.path(src), b.path(name), edit);
    const before = b.counts();
    const r = b.run(["import", name, "--trusted-key", "cosign.pub", ...flags]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("nothing was imported");
    expect(b.counts()).toEqual(before);
    expect(readdirSync(join(b.home, "cas", "tmp")).filter((n) => n.startsWith("import-"))).toEqual([]);
  }

  for (const [field, edit, message, also] of FORGERIES) {
    test(`signed export, forged ${field}, manifest recomputed: the manifest signature fails`, async () => {
      await refused("signed.tar", forge(edit, also), /manifest\.sigstore\.json: digest mismatch: sha256:[0-9a-f]{64} is not a subject digest of the statement/);
    });
    test(`unsigned export with --allow-unsigned, forged ${field}: refused naming the field`, async () => {
      await refused("unsigned.tar", forge(edit, also), message, ["--allow-unsigned"]);
    });
  }

  test("an unsigned export is refused without --allow-unsigned, with the fix in the hint", async () => {
    await refused("unsigned.tar", (es) => es, /manifest\.json is not signed[\s\S]*--allow-unsigned/);
  });

  test("the untouched signed export imports, naming the manifest's signer", () => {
    const r = b.json<{ runs: { imported: number }; manifestSigner: string; contractUnbound: number }>(["import", "signed.tar", "--trusted-key", "cosign.pub"].map((x) => (x === "signed.tar" ? a.path(x) : x)));
    expect([r.runs.imported, r.contractUnbound]).toEqual([1, 0]);
    expect(r.manifestSigner).toMatch(/^key /);
  });
});

describe("export --keyless with the home's CA", () => {
  test("the manifest carries a certificate; a home trusting that CA imports it, one that does not refuses it", () => {
    const a = new Sandbox();
    const b = new Sandbox();
    const c = new Sandbox();
    try {
      writeFileSync(a.path("app.bin"), "app\n");
      a.ok(["ca", "init"]);
      a.ok(["keys", "generate", "--output-prefix", "cosign"]);
      a.ok(["att", "init", "--workflow", "build", "--project", "skynet"]);
      a.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"]);
      a.ok(["att", "push", "--key", "cosign.key"]);
      a.ok(["export", "-o", "keyless.tar", "--keyless"]);
      a.ok(["trust-root", "export", "-o", "root.json"]);
      for (const f of ["cosign.pub", "root.json"]) copyFileSync(a.path(f), b.path(f));
      b.ok(["trust-root", "add", "home-a", "root.json"]);
      const r = b.json<{ runs: { imported: number }; manifestSigner: string }>(["import", a.path("keyless.tar"), "--trusted-key", "cosign.pub"]);
      expect(r.runs.imported).toBe(1);
      expect(r.manifestSigner).toContain("cairn://local/orgs/default/export");
      copyFileSync(a.path("cosign.pub"), c.path("cosign.pub"));
      const refused = c.run(["import", a.path("keyless.tar"), "--trusted-key", "cosign.pub"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("manifest.sigstore.json: ");
    } finally {
      for (const s of [a, b, c]) s.cleanup();
    }
  });
});

describe("store fsck and run describe --verify on an edited store", () => {
  const sb = new Sandbox();
  const runs: { id: string; digest: string }[] = [];
  const db = () => new Database(join(sb.home, "cairn.db"));
  const exec = (sql: string, ...params: string[]) => {
    const d = db();
    try {
      d.query(sql).run(...params);
    } finally {
      d.close();
    }
  };
  const fsck = () => {
    const r = sb.run(["store", "fsck", "-o", "json"]);
    return { code: r.code, report: JSON.parse(r.stdout) as { ok: boolean; problems: { kind: string; runId?: string; detail?: string; reason?: string; messages?: string[] }[] } };
  };

  beforeAll(() => {
    writeFileSync(sb.path("app.bin"), "app\n");
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    sb.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
    for (const wf of ["build", "test"]) {
      sb.ok(["att", "init", "--workflow", wf, "--project", "skynet"]);
      sb.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"]);
      const p = sb.json<{ digest: string; runId: string }>(["att", "push", "--key", "cosign.key"]);
      runs.push({ id: p.runId, digest: p.digest });
    }
  });
  afterAll(() => sb.cleanup());

  test("a clean store is OK and describe --verify passes", () => {
    expect(fsck()).toMatchObject({ code: 0, report: { ok: true, problems: [] } });
    expect(sb.run(["workflow", "run", "describe", "--id", runs[0]!.id, "--verify", "--key", "cosign.pub"]).code).toBe(0);
  });

  test("swapped attestation digests: fsck names both runs; describe --verify exits 1 naming the mismatch", () => {
    const [x, y] = runs as [{ id: string; digest: string }, { id: string; digest: string }];
    exec("UPDATE workflow_runs SET attestation_digest = CASE id WHEN ?1 THEN ?3 ELSE ?4 END WHERE id IN (?1, ?2)", x.id, y.id, y.digest, x.digest);
    const { code, report } = fsck();
    expect(code).toBe(1);
    expect(report.problems.filter((p) => p.kind === "run-mismatch").map((p) => p.runId).sort()).toEqual([x.id, y.id].sort());
    const d = sb.run(["workflow", "run", "describe", "--id", x.id, "--verify", "--key", "cosign.pub"]);
    expect(d.code).toBe(1);
    expect(d.stderr).toContain(`attestation ${y.digest} is not workflow run ${x.id}'s: the signed workflowRunID is "${y.id}"`);
    exec("UPDATE workflow_runs SET attestation_digest = CASE id WHEN ?1 THEN ?3 ELSE ?4 END WHERE id IN (?1, ?2)", x.id, y.id, x.digest, y.digest);
  });

  test("a flipped state and a run moved to another workflow are reported", () => {
    exec("UPDATE workflow_runs SET state = 'failed' WHERE id = ?", runs[0]!.id);
    exec("UPDATE workflow_runs SET workflow_id = (SELECT workflow_id FROM workflow_runs WHERE id = ?1) WHERE id = ?2", runs[0]!.id, runs[1]!.id);
    const { code, report } = fsck();
    expect(code).toBe(1);
    const reasons = report.problems.filter((p) => p.kind === "run-mismatch").map((p) => `${p.runId}: ${p.reason}`);
    expect(reasons).toContain(`${runs[0]!.id}: the signed statement makes the run succeeded, but run ${runs[0]!.id} is failed`);
    expect(reasons).toContain(`${runs[1]!.id}: the signed workflowName is "test", but run ${runs[1]!.id} says "build"`);
    const table = sb.run(["store", "fsck"]);
    expect(table.stdout).not.toContain("Store OK");
    expect(table.stdout).toContain("run-mismatch");
  });

  test("a damaged database page: fsck is not OK (PRAGMA integrity_check)", () => {
    const d = db();
    d.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const pageSize = (d.query("PRAGMA page_size").get() as { page_size: number }).page_size;
    const { rootpage } = d.query("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' LIMIT 1").get() as { rootpage: number };
    d.close();
    const fd = openSync(join(sb.home, "cairn.db"), "r+");
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
    closeSync(fd);
    const { code, report } = fsck();
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.kind === "db-integrity" && (p.messages ?? []).length > 0)).toBe(true);
  });
});
