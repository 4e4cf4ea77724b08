import type { Database } from "bun:sqlite";
import type {
  AttestationRecord,
  AttestedRun,
  ContractRevision,
  ControlPlaneRepo,
  NewWorkflow,
  Organization,
  Project,
  ProjectVersion,
  RunState,
  Workflow,
  WorkflowRun,
} from "../ports.ts";
import type { Sync } from "../async-port.ts";
import { CairnError } from "../../errors.ts";
import { toRevision, toRun, type RevisionRow, type RunRow } from "./rows.ts";

const WORKFLOW_SELECT = `SELECT w.id, w.org_id AS orgId, w.project_id AS projectId, p.name AS project, w.name, w.team,
  w.description, w.contract_id AS contractId, c.name AS contractName
  FROM workflows w JOIN projects p ON p.id = w.project_id JOIN contracts c ON c.id = w.contract_id`;
const LIVE = "w.deleted_at IS NULL";
const REVISION_SELECT = `SELECT r.*, c.name FROM contract_revisions r JOIN contracts c ON c.id = r.contract_id`;

const VERSION_SELECT = `SELECT v.id, v.project_id AS projectId, v.version, v.prerelease, v.released_at AS releasedAt FROM project_versions v`;
type VersionRow = Omit<ProjectVersion, "prerelease"> & { prerelease: number };
const toVersion = (r: VersionRow): ProjectVersion => ({ ...r, prerelease: r.prerelease === 1 });

/** ControlPlaneRepo over bun:sqlite. Ids are random UUIDs; timestamps are ISO strings from the injected clock. */
export class SqliteRepo implements Sync<Omit<ControlPlaneRepo, "transaction" | "lockName" | "tryLockName" | "alone">> {
  constructor(private readonly db: Database) {}

  ensureOrg(name: string, now: string): Organization {
    this.db.query("INSERT OR IGNORE INTO organizations (id, name, created_at) VALUES (?, ?, ?)").run(crypto.randomUUID(), name, now);
    return this.db.query("SELECT id, name FROM organizations WHERE name = ?").get(name) as Organization;
  }

  findOrg(name: string): Organization | undefined {
    return (this.db.query("SELECT id, name FROM organizations WHERE name = ?").get(name) as Organization | null) ?? undefined;
  }

  ensureProject(orgId: string, name: string, now: string): Project {
    this.db
      .query("INSERT OR IGNORE INTO projects (id, org_id, name, created_at) VALUES (?, ?, ?, ?)")
      .run(crypto.randomUUID(), orgId, name, now);
    return this.db.query("SELECT id, org_id AS orgId, name FROM projects WHERE org_id = ? AND name = ?").get(orgId, name) as Project;
  }

  ensureProjectVersion(projectId: string, version: string, now: string): ProjectVersion {
    this.db
      .query("INSERT OR IGNORE INTO project_versions (id, project_id, version, created_at) VALUES (?, ?, ?, ?)")
      .run(crypto.randomUUID(), projectId, version, now);
    const row = this.db.query(`${VERSION_SELECT} WHERE v.project_id = ? AND v.version = ?`).get(projectId, version);
    return toVersion(row as VersionRow);
  }

  findProjectVersion(orgId: string, project: string, version: string): ProjectVersion | undefined {
    const row = this.db
      .query(`${VERSION_SELECT} JOIN projects p ON p.id = v.project_id WHERE p.org_id = ? AND p.name = ? AND v.version = ?`)
      .get(orgId, project, version);
    return row ? toVersion(row as VersionRow) : undefined;
  }

  releaseProjectVersion(id: string, now: string): void {
    this.db.query("UPDATE project_versions SET prerelease = 0, released_at = ? WHERE id = ? AND prerelease = 1").run(now, id);
  }

  findWorkflow(orgId: string, project: string, name: string): Workflow | undefined {
    // By the project (org_id, name) and then workflows_live_name: filtering on w.org_id makes SQLite scan the org's workflows.
    const row = this.db.query(`${WORKFLOW_SELECT} WHERE p.org_id = ? AND p.name = ? AND w.name = ? AND ${LIVE}`).get(orgId, project, name);
    return (row as Workflow | null) ?? undefined;
  }

  /** ALREADY_EXISTS when the project has a live workflow of that name. */
  createWorkflow(w: NewWorkflow, now: string): Workflow {
    const id = crypto.randomUUID();
    const inserted = this.db
      .query(
        `INSERT OR IGNORE INTO workflows (id, org_id, project_id, name, team, description, contract_id, created_at, created_by, implicit)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, w.orgId, w.projectId, w.name, w.team, w.description, w.contractId, now, w.createdBy, w.implicit ? 1 : 0);
    if (inserted.changes === 0) {
      const project = (this.db.query("SELECT name FROM projects WHERE id = ?").get(w.projectId) as { name: string } | null)?.name ?? w.projectId;
      throw new CairnError("ALREADY_EXISTS", `workflow ${w.name} already exists in project ${project}`, {
        hint: "pass --skip-if-exists to accept the existing one, or change it with `cairn workflow update`",
      });
    }
    return this.db.query(`${WORKFLOW_SELECT} WHERE w.id = ?`).get(id) as Workflow;
  }

  findContractByName(orgId: string, name: string): { id: string; name: string } | undefined {
    const row = this.db.query("SELECT id, name FROM contracts WHERE org_id = ? AND name = ? AND deleted_at IS NULL").get(orgId, name);
    return (row as { id: string; name: string } | null) ?? undefined;
  }

  /** ALREADY_EXISTS when the organization has a live contract of that name. */
  createContract(orgId: string, name: string, description: string | null, now: string): { id: string; name: string } {
    const id = crypto.randomUUID();
    const inserted = this.db
      .query("INSERT OR IGNORE INTO contracts (id, org_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, orgId, name, description, now);
    if (inserted.changes === 0) {
      const org = (this.db.query("SELECT name FROM organizations WHERE id = ?").get(orgId) as { name: string } | null)?.name ?? orgId;
      throw new CairnError("ALREADY_EXISTS", `contract ${name} already exists in organization ${org}`, {
        hint: `add a revision with \`cairn workflow contract update --name ${name} -f FILE\`, or pick another name`,
      });
    }
    return { id, name };
  }

  latestRevision(contractId: string): ContractRevision | undefined {
    const row = this.db.query(`${REVISION_SELECT} WHERE r.contract_id = ? ORDER BY r.revision DESC LIMIT 1`).get(contractId);
    return row ? toRevision(row as RevisionRow) : undefined;
  }

  getRevision(contractId: string, revision: number): ContractRevision | undefined {
    const row = this.db.query(`${REVISION_SELECT} WHERE r.contract_id = ? AND r.revision = ?`).get(contractId, revision);
    return row ? toRevision(row as RevisionRow) : undefined;
  }

  addRevision(contractId: string, body: string, bodyFormat: "yaml" | "json", digest: string, now: string, createdBy: string): ContractRevision {
    const next = (this.latestRevision(contractId)?.revision ?? 0) + 1;
    this.db
      .query(
        "INSERT INTO contract_revisions (contract_id, revision, body, body_format, digest, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(contractId, next, body, bodyFormat, digest, now, createdBy);
    return this.getRevision(contractId, next)!;
  }

  createRun(r: Omit<WorkflowRun, "state" | "reason" | "attestationDigest" | "finishedAt" | "projectVersionId" | "policyStatus" | "pushedBy"> & { projectVersionId?: string | null }): WorkflowRun {
    this.db
      .query(
        `INSERT INTO workflow_runs (id, org_id, workflow_id, state, runner_type, runner_url, contract_revision_used,
           contract_revision_latest, project_version_id, created_at) VALUES (?, ?, ?, 'initialized', ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.id, r.orgId, r.workflowId, r.runnerType, r.runnerUrl, r.contractRevisionUsed, r.contractRevisionLatest, r.projectVersionId ?? null, r.createdAt);
    return this.getRun(r.id)!;
  }

  getRun(id: string): WorkflowRun | undefined {
    const row = this.db.query("SELECT * FROM workflow_runs WHERE id = ?").get(id);
    return row ? toRun(row as RunRow) : undefined;
  }

  lockRun(id: string): WorkflowRun | undefined {
    return this.getRun(id);
  }

  lastFinishedRun(workflowId: string): WorkflowRun | undefined {
    const row = this.db
      .query("SELECT * FROM workflow_runs WHERE workflow_id = ? AND state IN ('succeeded', 'blocked', 'failed') ORDER BY finished_at DESC, created_at DESC, rowid DESC LIMIT 1")
      .get(workflowId);
    return row ? toRun(row as RunRow) : undefined;
  }

  finishRun(id: string, state: RunState, now: string, reason: string | null, digest: string | null, attested?: AttestedRun): void {
    this.db
      .query("UPDATE workflow_runs SET state = ?, finished_at = ?, reason = ?, attestation_digest = ?, policy_status = ?, pushed_by = ? WHERE id = ? AND state = 'initialized'")
      .run(state, now, reason, digest, attested?.policyStatus ?? null, attested?.pushedBy ?? null, id);
  }

  insertAttestation(a: AttestationRecord): void {
    this.db
      .query(
        `INSERT OR IGNORE INTO attestations (digest, org_id, run_id, workflow_id, predicate_type, size, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.digest, a.orgId, a.runId, a.workflowId, a.predicateType, a.size, a.createdAt);
  }

  findAttestation(digest: string): AttestationRecord | undefined {
    const row = this.db
      .query(
        `SELECT digest, org_id AS orgId, run_id AS runId, workflow_id AS workflowId, predicate_type AS predicateType,
           size, created_at AS createdAt FROM attestations WHERE digest = ?`,
      )
      .get(digest);
    return (row as AttestationRecord | null) ?? undefined;
  }

  revisionGeneration(): number {
    return (this.db.query("SELECT coalesce(max(rowid), 0) AS g FROM contract_revisions").get() as { g: number }).g;
  }

  attestationGeneration(): number {
    return (this.db.query("SELECT coalesce(max(rowid), 0) AS g FROM attestations").get() as { g: number }).g;
  }

  runAttestations(runId: string): AttestationRecord[] {
    return this.db
      .query(
        `SELECT digest, org_id AS orgId, run_id AS runId, workflow_id AS workflowId, predicate_type AS predicateType,
           size, created_at AS createdAt FROM attestations WHERE run_id = ? ORDER BY created_at, rowid`,
      )
      .all(runId) as AttestationRecord[];
  }
}
