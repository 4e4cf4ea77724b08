// Seeds a store with N attestations through the repository layer (runs, attestation rows, referrer graph), the shape
// real pushes produce: 10 workflows in 2 projects; per attestation 3 unique materials, one shared Dockerfile per
// workflow, and a git commit shared by 10 consecutive runs; plus one failed run per 50 attestations and one cancelled per 5000. No CAS blobs: bundles are measured separately.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../src/store/sqlite/db.ts";
import { SqliteReferrerRepo } from "../src/store/sqlite/referrer-repo.ts";
import { SqliteRepo } from "../src/store/sqlite/sqlite-repo.ts";

const hex = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex");

export interface Seeded {
  dbPath: string;
  /** A material digest, an attestation digest and a git commit that exist, for discover lookups. */
  sampleDigests: { material: string[]; attestation: string[]; commit: string[] };
  /** As many others, none of them a sample: lookups that warm a server up without touching the measured ones. */
  warmDigests: { material: string[]; attestation: string[]; commit: string[] };
}

export function seedStore(home: string, n: number, progress: (done: number) => void = () => {}): Seeded {
  mkdirSync(home, { recursive: true });
  const dbPath = join(home, "cairn.db");
  const db = openDatabase(dbPath);
  const repo = new SqliteRepo(db);
  const refs = new SqliteReferrerRepo(db);
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const org = repo.ensureOrg("default", new Date(t0).toISOString());
  const contract = repo.createContract(org.id, "bench", null, new Date(t0).toISOString());
  repo.addRevision(contract.id, "schemaVersion: v1\n", "yaml", "sha256:bench", new Date(t0).toISOString(), "local");
  const workflows = Array.from({ length: 10 }, (_, i) => {
    const project = repo.ensureProject(org.id, `project-${i % 2}`, new Date(t0).toISOString());
    return repo.createWorkflow({ orgId: org.id, projectId: project.id, name: `wf-${i}`, team: "bench", description: null, contractId: contract.id, createdBy: "local" }, new Date(t0).toISOString());
  });
  const sample: Seeded["sampleDigests"] = { material: [], attestation: [], commit: [] };
  const warm: Seeded["warmDigests"] = { material: [], attestation: [], commit: [] };
  const step = Math.max(1, Math.floor(n / 200));
  const BATCH = 10_000;
  for (let start = 0; start < n; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        const wf = workflows[i % workflows.length]!;
        const now = new Date(t0 + i * 1000).toISOString();
        const runId = `run-${i}`;
        const att = `sha256:${hex(`att ${i}`)}`;
        const mats = [0, 1, 2].map((k) => `sha256:${hex(`mat ${i} ${k}`)}`);
        const commit = `sha1:${hex(`commit ${Math.floor(i / 10)}`).slice(0, 40)}`;
        repo.createRun({ id: runId, orgId: org.id, workflowId: wf.id, runnerType: "GITHUB_ACTION", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: now });
        repo.insertAttestation({ digest: att, orgId: org.id, runId, workflowId: wf.id, predicateType: "https://cairn.dev/attestation/v0.1", size: 2500, createdAt: now });
        repo.finishRun(runId, "succeeded", now, null, att, { policyStatus: "none", pushedBy: null });
        if (i % 50 === 49) {
          // one failed run (no attestation) per 50 attestations, so `--status failed` has something to find
          repo.createRun({ id: `${runId}-failed`, orgId: org.id, workflowId: wf.id, runnerType: "GITHUB_ACTION", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: now });
          repo.finishRun(`${runId}-failed`, "failed", now, "bench: job failed", null);
        }
        if (i % 5000 === 4999) {
          // and a rare state: one cancelled run per 5000
          repo.createRun({ id: `${runId}-cancelled`, orgId: org.id, workflowId: wf.id, runnerType: "GITHUB_ACTION", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: now });
          repo.finishRun(`${runId}-cancelled`, "cancelled", now, "bench: replaced", null);
        }
        refs.index(org.id, {
          attestation: { digest: att, kind: "ATTESTATION", downloadable: true, metadata: { workflow: wf.name, project: wf.project, runId } },
          references: [
            ...mats.map((d, k) => ({ digest: d, kind: k === 0 ? "SBOM_CYCLONEDX_JSON" : "ARTIFACT", downloadable: true, metadata: { material: `m${k}` } })),
            { digest: `sha256:${hex(`dockerfile ${wf.name}`)}`, kind: "ARTIFACT", downloadable: true, metadata: { material: "dockerfile" } },
            { digest: commit, kind: "GIT_HEAD_COMMIT", downloadable: false, metadata: {} },
          ],
        }, now);
        if (i % step === 0 || (step >= 20 && i % step === Math.floor(step / 2))) {
          const into = i % step === 0 ? sample : warm; // warm commits are 10 runs away from any sampled one
          into.material.push(mats[1]!);
          into.attestation.push(att);
          into.commit.push(commit);
        }
      }
    })();
    progress(Math.min(n, start + BATCH));
  }
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return { dbPath, sampleDigests: sample, warmDigests: warm };
}
