/**
 * Test support shared by the port contract suites (<port>-port.contract.testutil.ts, see README.md): the one shape of
 * a suite's `open()`, and the seeding they share. A single-port suite gets its port and a `seed` writing the rows
 * other ports own (organizations for an OrgKeyRepo, projects and workflows for tokens' scopes) with plain SQL; the
 * control-plane suites get StorePorts and seed through the ports themselves.
 */
import { afterAll, beforeAll } from "bun:test";
import type { PgDatabase } from "../pg/database.ts";
import type { ControlPlaneRepo, ReferrerRepo } from "../ports.ts";
import type { RunRepo } from "../run-port.ts";
import type { WorkflowRepo } from "../workflow-port.ts";

/** What every contract suite is given: opens a fresh store of the ports it tests; close() removes it. */
export type OpenStore<P> = () => Promise<P & { close(): Promise<void> }>;

export interface Seed {
  org(id: string, name: string): Promise<void>;
  project(orgId: string, id: string, name: string): Promise<void>;
  /** A workflow (with a contract of its own) in the project; deletedAt set: soft-deleted. */
  workflow(orgId: string, projectId: string, id: string, name: string, deletedAt?: string): Promise<void>;
  /** An attestation of a new run of the workflow, and an upload, and a downloadable referrer, with these digests. */
  blobs(orgId: string, workflowId: string, b: { attestation?: string; upload?: string; referrer?: string }): Promise<void>;
  /** A new organization with a project, a workflow and an initialized run of it, all with one fresh id. */
  openRun(): Promise<{ orgId: string; runId: string }>;
  /** The run ends in this state, as a push, cancel or expiry would. */
  endRun(runId: string, state: "succeeded" | "failed"): Promise<void>;
  /** Organizations acme and other; acme's projects p1 (workflows build, test) and p2 (deploy): each id is its name. */
  mappingOrgs(): Promise<{ acme: string; other: string; p1: string; p2: string; build: string; test: string; deploy: string }>;
}

/** What a single-port suite opens: the port, and the seed for the rows other ports own. */
export interface ContractStore<P> {
  port: P;
  seed: Seed;
}

/** Opens a store seeded with organizations o1 (acme) and o2 (other), runs fn on its port, closes it. */
export async function withTwoOrgs<P>(open: OpenStore<ContractStore<P>>, fn: (port: P, s: ContractStore<P>) => Promise<void>): Promise<void> {
  const s = await open();
  try {
    await s.seed.org("o1", "acme");
    await s.seed.org("o2", "other");
    await fn(s.port, s);
  } finally {
    await s.close();
  }
}

export const AT = "2025-01-01T00:00:00.000Z";

/** The seed's SQL is PostgreSQL's ($n placeholders); the SQLite run rewrites them (the schema is the same). */
export function sqlSeed(db: Pick<PgDatabase, "query">): Seed {
  return {
    async org(id, name) {
      await db.query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)", [id, name, AT]);
    },
    async project(orgId, id, name) {
      await db.query("INSERT INTO projects (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)", [id, orgId, name, AT]);
    },
    async workflow(orgId, projectId, id, name, deletedAt) {
      await db.query("INSERT INTO contracts (id, org_id, name, created_at) VALUES ($1, $2, $1, $3)", [`c-${id}`, orgId, AT]);
      await db.query("INSERT INTO workflows (id, org_id, project_id, name, contract_id, created_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", [id, orgId, projectId, name, `c-${id}`, AT, deletedAt ?? null]);
    },
    async blobs(orgId, workflowId, b) {
      if (b.attestation) {
        const run = `run-${b.attestation}`;
        await db.query(`INSERT INTO workflow_runs (id, org_id, workflow_id, state, runner_type, contract_revision_used, contract_revision_latest, attestation_digest, created_at)
          VALUES ($1, $2, $3, 'succeeded', 'X', 1, 1, $4, $5)`, [run, orgId, workflowId, b.attestation, AT]);
        await db.query("INSERT INTO attestations (digest, org_id, run_id, workflow_id, predicate_type, size, created_at) VALUES ($1, $2, $3, $4, 'p', 1, $5)", [b.attestation, orgId, run, workflowId, AT]);
      }
      if (b.upload) await db.query("INSERT INTO uploads (digest, org_id, size, created_at) VALUES ($1, $2, 1, $3)", [b.upload, orgId, AT]);
      if (b.referrer) await db.query("INSERT INTO referrers (org_id, digest, kind, downloadable, created_at) VALUES ($1, $2, 'ARTIFACT', true, $3)", [orgId, b.referrer, AT]);
    },
    async openRun() {
      const id = crypto.randomUUID();
      await this.org(id, id);
      await this.project(id, id, "p");
      await this.workflow(id, id, id, "build");
      await db.query(
        `INSERT INTO workflow_runs (id, org_id, workflow_id, state, runner_type, contract_revision_used, contract_revision_latest, created_at)
         VALUES ($1, $1, $1, 'initialized', 'X', 1, 1, $2)`,
        [id, AT],
      );
      return { orgId: id, runId: id };
    },
    async endRun(runId, state) {
      await db.query("UPDATE workflow_runs SET state = $1, finished_at = $2 WHERE id = $3", [state, AT, runId]);
    },
    async mappingOrgs() {
      await this.org("acme", "acme");
      await this.org("other", "other");
      await this.project("acme", "p1", "p1");
      await this.project("acme", "p2", "p2");
      await this.workflow("acme", "p1", "build", "build");
      await this.workflow("acme", "p1", "test", "test");
      await this.workflow("acme", "p2", "deploy", "deploy");
      return { acme: "acme", other: "other", p1: "p1", p2: "p2", build: "build", test: "test", deploy: "deploy" };
    },
  };
}

/** The control-plane ports the suites of ControlPlaneRepo, WorkflowRepo, RunRepo and ReferrerRepo use to set up and read their data. */
export interface StorePorts {
  repo: ControlPlaneRepo;
  workflows: WorkflowRepo;
  runs: RunRepo;
  referrers: ReferrerRepo;
}

/** Second `n` of 2025-01-01, as the injected clock writes it. */
export const at = (n: number): string => new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString();

/** An organization (named for the test, so tests sharing a store never see each other's rows), a project, a contract at revision 1 and a workflow. */
export async function seed(p: Pick<StorePorts, "repo">, org: string) {
  const o = await p.repo.ensureOrg(org, at(0));
  const project = await p.repo.ensureProject(o.id, "skynet", at(0));
  const contract = await p.repo.createContract(o.id, `${org}-c`, null, at(0));
  await p.repo.addRevision(contract.id, "{}", "json", "sha256:1", at(0), "local");
  const workflow = await p.repo.createWorkflow({ orgId: o.id, projectId: project.id, name: "build", team: "core", description: null, contractId: contract.id, createdBy: "local" }, at(0));
  return { org: o, project, contract, workflow };
}

/** Opens one store for a describe block and closes it after. */
export function useStore<P>(open: OpenStore<P>): () => P {
  let store: (P & { close(): Promise<void> }) | undefined;
  beforeAll(async () => void (store = await open()));
  afterAll(async () => store?.close());
  return () => store!;
}
