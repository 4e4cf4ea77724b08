import { CairnError } from "../../errors.ts";
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
import { aloneOnName, lockName, tryLockName } from "./locks.ts";
import type { PgDatabase } from "./database.ts";
import { first, flag, num, REVISION_SELECT, RUN_COLUMNS, toRevision, toRun, type RevisionRow, type RunRow } from "./rows.ts";

const WORKFLOW_SELECT = `SELECT w.id, w.org_id AS "orgId", w.project_id AS "projectId", p.name AS project, w.name, w.team,
  w.description, w.contract_id AS "contractId", c.name AS "contractName"
  FROM workflows w JOIN projects p ON p.id = w.project_id JOIN contracts c ON c.id = w.contract_id`;
const VERSION_SELECT = `SELECT v.id, v.project_id AS "projectId", v.version, v.prerelease, v.released_at AS "releasedAt" FROM project_versions v`;
const ATTESTATION_SELECT = `SELECT digest, org_id AS "orgId", run_id AS "runId", workflow_id AS "workflowId", predicate_type AS "predicateType",
  size, created_at AS "createdAt" FROM attestations`;

type VersionRow = Omit<ProjectVersion, "prerelease"> & { prerelease: boolean | number };
const toVersion = (r: VersionRow): ProjectVersion => ({ ...r, prerelease: flag(r.prerelease) });
type AttestationRow = Omit<AttestationRecord, "size"> & { size: number | string };
const toAttestation = (r: AttestationRow): AttestationRecord => ({ ...r, size: num(r.size) });

export type NewRun = Parameters<ControlPlaneRepo["createRun"]>[0];
export type PgControlPlanePort = ControlPlaneRepo;

/**
 * ControlPlaneRepo over PostgreSQL, for several `cairn serve` replicas on one database (READ COMMITTED): the ensure*
 * calls insert-or-nothing then read, revision numbers are taken under a lock on the contract row, a duplicate live
 * name is ALREADY_EXISTS (not a failed statement that would abort the caller's transaction), and only an initialized
 * run can be finished. Where SQLite orders by rowid, this orders by the `seq` identity column.
 */
export class PgControlPlaneRepo implements PgControlPlanePort {
  constructor(private readonly db: PgDatabase) {}

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async ensureOrg(name: string, now: string): Promise<Organization> {
    await this.db.query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [crypto.randomUUID(), name, now]);
    return (await this.findOrg(name))!;
  }

  async findOrg(name: string): Promise<Organization | undefined> {
    return first(await this.db.query<Organization>("SELECT id, name FROM organizations WHERE name = $1", [name]));
  }

  async ensureProject(orgId: string, name: string, now: string): Promise<Project> {
    await this.db.query("INSERT INTO projects (id, org_id, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [crypto.randomUUID(), orgId, name, now]);
    const rows = await this.db.query<Project>(`SELECT id, org_id AS "orgId", name FROM projects WHERE org_id = $1 AND name = $2`, [orgId, name]);
    return rows[0]!;
  }

  async ensureProjectVersion(projectId: string, version: string, now: string): Promise<ProjectVersion> {
    await this.db.query("INSERT INTO project_versions (id, project_id, version, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [
      crypto.randomUUID(),
      projectId,
      version,
      now,
    ]);
    const rows = await this.db.query<VersionRow>(`${VERSION_SELECT} WHERE v.project_id = $1 AND v.version = $2`, [projectId, version]);
    return toVersion(rows[0]!);
  }

  async findProjectVersion(orgId: string, project: string, version: string): Promise<ProjectVersion | undefined> {
    const sql = `${VERSION_SELECT} JOIN projects p ON p.id = v.project_id WHERE p.org_id = $1 AND p.name = $2 AND v.version = $3`;
    const row = first(await this.db.query<VersionRow>(sql, [orgId, project, version]));
    return row ? toVersion(row) : undefined;
  }

  async releaseProjectVersion(id: string, now: string): Promise<void> {
    await this.db.query("UPDATE project_versions SET prerelease = FALSE, released_at = $1 WHERE id = $2 AND prerelease", [now, id]);
  }

  async findWorkflow(orgId: string, project: string, name: string): Promise<Workflow | undefined> {
    const sql = `${WORKFLOW_SELECT} WHERE p.org_id = $1 AND p.name = $2 AND w.name = $3 AND w.deleted_at IS NULL`;
    return first(await this.db.query<Workflow>(sql, [orgId, project, name]));
  }

  /** ALREADY_EXISTS when the project has a live workflow of that name (a concurrent create included). */
  async createWorkflow(w: NewWorkflow, now: string): Promise<Workflow> {
    const id = crypto.randomUUID();
    const inserted = await this.db.query(
      `INSERT INTO workflows (id, org_id, project_id, name, team, description, contract_id, created_at, created_by, implicit)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id`,
      [id, w.orgId, w.projectId, w.name, w.team, w.description, w.contractId, now, w.createdBy, w.implicit ?? false],
    );
    if (inserted.length === 0) {
      const project = first(await this.db.query<{ name: string }>("SELECT name FROM projects WHERE id = $1", [w.projectId]))?.name ?? w.projectId;
      throw new CairnError("ALREADY_EXISTS", `workflow ${w.name} already exists in project ${project}`, {
        hint: "pass --skip-if-exists to accept the existing one, or change it with `cairn workflow update`",
      });
    }
    return (await this.db.query<Workflow>(`${WORKFLOW_SELECT} WHERE w.id = $1`, [id]))[0]!;
  }

  async findContractByName(orgId: string, name: string): Promise<{ id: string; name: string } | undefined> {
    return first(await this.db.query<{ id: string; name: string }>("SELECT id, name FROM contracts WHERE org_id = $1 AND name = $2 AND deleted_at IS NULL", [orgId, name]));
  }

  /** ALREADY_EXISTS when the organization has a live contract of that name (a concurrent create included). */
  async createContract(orgId: string, name: string, description: string | null, now: string): Promise<{ id: string; name: string }> {
    const id = crypto.randomUUID();
    const sql = "INSERT INTO contracts (id, org_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id";
    if ((await this.db.query(sql, [id, orgId, name, description, now])).length === 0) {
      const org = first(await this.db.query<{ name: string }>("SELECT name FROM organizations WHERE id = $1", [orgId]))?.name ?? orgId;
      throw new CairnError("ALREADY_EXISTS", `contract ${name} already exists in organization ${org}`, {
        hint: `add a revision with \`cairn workflow contract update --name ${name} -f FILE\`, or pick another name`,
      });
    }
    return { id, name };
  }

  async latestRevision(contractId: string): Promise<ContractRevision | undefined> {
    const row = first(await this.db.query<RevisionRow>(`${REVISION_SELECT} WHERE r.contract_id = $1 ORDER BY r.revision DESC LIMIT 1`, [contractId]));
    return row ? toRevision(row) : undefined;
  }

  async getRevision(contractId: string, revision: number): Promise<ContractRevision | undefined> {
    const row = first(await this.db.query<RevisionRow>(`${REVISION_SELECT} WHERE r.contract_id = $1 AND r.revision = $2`, [contractId, revision]));
    return row ? toRevision(row) : undefined;
  }

  /** The next number is read under a lock on the contract row, so concurrent additions queue instead of colliding. */
  addRevision(contractId: string, body: string, bodyFormat: "yaml" | "json", digest: string, now: string, createdBy: string): Promise<ContractRevision> {
    return this.db.transaction(async () => {
      await this.db.query("SELECT id FROM contracts WHERE id = $1 FOR UPDATE", [contractId]);
      const next = ((await this.latestRevision(contractId))?.revision ?? 0) + 1;
      await this.db.query(
        "INSERT INTO contract_revisions (contract_id, revision, body, body_format, digest, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [contractId, next, body, bodyFormat, digest, now, createdBy],
      );
      return (await this.getRevision(contractId, next))!;
    });
  }

  async createRun(r: NewRun): Promise<WorkflowRun> {
    const rows = await this.db.query<RunRow>(
      `INSERT INTO workflow_runs AS r (id, org_id, workflow_id, state, runner_type, runner_url, contract_revision_used,
         contract_revision_latest, project_version_id, created_at) VALUES ($1, $2, $3, 'initialized', $4, $5, $6, $7, $8, $9)
       RETURNING ${RUN_COLUMNS}`,
      [r.id, r.orgId, r.workflowId, r.runnerType, r.runnerUrl, r.contractRevisionUsed, r.contractRevisionLatest, r.projectVersionId ?? null, r.createdAt],
    );
    return toRun(rows[0]!);
  }

  async getRun(id: string): Promise<WorkflowRun | undefined> {
    const row = first(await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM workflow_runs r WHERE r.id = $1`, [id]));
    return row ? toRun(row) : undefined;
  }

  lockName(...parts: string[]): Promise<void> {
    return lockName(this.db, ...parts);
  }

  tryLockName(...parts: string[]): Promise<boolean> {
    return tryLockName(this.db, ...parts);
  }

  alone<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false; since: string | null }> {
    return aloneOnName(this.db, name, fn);
  }

  /** getRun with the row locked to the end of the caller's transaction: of two pushes of one run, the second waits and then sees it finished. */
  async lockRun(id: string): Promise<WorkflowRun | undefined> {
    const row = first(await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM workflow_runs r WHERE r.id = $1 FOR UPDATE`, [id]));
    return row ? toRun(row) : undefined;
  }

  async lastFinishedRun(workflowId: string): Promise<WorkflowRun | undefined> {
    const sql = `SELECT ${RUN_COLUMNS} FROM workflow_runs r WHERE r.workflow_id = $1 AND r.state IN ('succeeded', 'blocked', 'failed')
      ORDER BY r.finished_at DESC NULLS LAST, r.created_at DESC, r.seq DESC LIMIT 1`;
    const row = first(await this.db.query<RunRow>(sql, [workflowId]));
    return row ? toRun(row) : undefined;
  }

  /** Only an initialized run is finished: a run finished (or expired) meanwhile by another replica stays as it is. */
  async finishRun(id: string, state: RunState, now: string, reason: string | null, digest: string | null, attested?: AttestedRun): Promise<void> {
    await this.db.query(
      `UPDATE workflow_runs SET state = $1, finished_at = $2, reason = $3, attestation_digest = $4, policy_status = $5, pushed_by = $6
       WHERE id = $7 AND state = 'initialized'`,
      [state, now, reason, digest, attested?.policyStatus ?? null, attested?.pushedBy ?? null, id],
    );
  }

  async insertAttestation(a: AttestationRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO attestations (digest, org_id, run_id, workflow_id, predicate_type, size, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [a.digest, a.orgId, a.runId, a.workflowId, a.predicateType, a.size, a.createdAt],
    );
  }

  async findAttestation(digest: string): Promise<AttestationRecord | undefined> {
    const row = first(await this.db.query<AttestationRow>(`${ATTESTATION_SELECT} WHERE digest = $1`, [digest]));
    return row ? toAttestation(row) : undefined;
  }

  async revisionGeneration(): Promise<number> {
    return this.generation("contract_revisions");
  }

  async attestationGeneration(): Promise<number> {
    return this.generation("attestations");
  }

  /** Bumped at the commit of each insert (migration 002), so it changes exactly when a reader can see the new row. */
  private async generation(table: "attestations" | "contract_revisions"): Promise<number> {
    return num((await this.db.query<{ n: string }>("SELECT n FROM cairn_generations WHERE name = $1", [table]))[0]!.n);
  }

  async runAttestations(runId: string): Promise<AttestationRecord[]> {
    const rows = await this.db.query<AttestationRow>(`${ATTESTATION_SELECT} WHERE run_id = $1 ORDER BY created_at, seq`, [runId]);
    return rows.map(toAttestation);
  }
}
