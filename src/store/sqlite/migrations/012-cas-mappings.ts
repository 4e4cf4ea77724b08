import type { Migration } from "./index.ts";

/**
 * CAS mappings: which organization, project and workflow may read which blob. Content addressing deduplicates bytes,
 * not permissions: a row is written when bytes arrive through a scope (an upload by a token, a stored attestation's
 * bundle and stored materials, an import), and downloads and verified pushes consult only this table.
 * project_id NULL = organization-wide; workflow_id NULL = not narrowed to a workflow (a workflow row always names
 * that workflow's project). `source` is not CHECKed so a later kind of arrival needs no table rebuild.
 *
 * NULLs are distinct in a SQLite unique index, so the key compares them as '': an organization-wide mapping is
 * unique too. Its (org_id, digest) prefix serves every lookup (a digest has a handful of rows at most).
 */
export const casMappings: Migration = {
  name: "012-cas-mappings",
  up(db) {
    db.exec(`
      CREATE TABLE cas_mappings (
        id INTEGER PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        digest TEXT NOT NULL,
        project_id TEXT REFERENCES projects(id),
        workflow_id TEXT REFERENCES workflows(id),
        source TEXT NOT NULL,
        -- the file name given when the bytes arrived (upload name, material file name): the download name
        name TEXT,
        created_at TEXT NOT NULL,
        CHECK (workflow_id IS NULL OR project_id IS NOT NULL)
      );
      CREATE UNIQUE INDEX cas_mappings_key ON cas_mappings (org_id, digest, ifnull(project_id, ''), ifnull(workflow_id, ''));

      -- Legacy uploads did not record the uploading token's scope: organization-wide, so organization-level callers
      -- keep reading them, and project and workflow tokens (which cannot be told apart now) upload again to read them.
      INSERT INTO cas_mappings (org_id, digest, source, name, created_at)
        SELECT org_id, digest, 'upload', name, created_at FROM uploads WHERE true ORDER BY rowid
        ON CONFLICT DO NOTHING;

      -- Every stored attestation's bundle, narrowed to its workflow and that workflow's project.
      INSERT INTO cas_mappings (org_id, digest, project_id, workflow_id, source, created_at)
        SELECT a.org_id, a.digest, w.project_id, a.workflow_id, 'attestation', a.created_at
        FROM attestations a JOIN workflows w ON w.id = a.workflow_id WHERE true ORDER BY a.created_at, a.rowid
        ON CONFLICT DO NOTHING;

      -- Its stored (downloadable) materials, narrowed the same way. The old verified push accepted any digest whose
      -- bytes were in the CAS, even another organization's: a material another organization held before this one's
      -- node existed, with no upload of this organization's own, is not carried over (it may be such a push; the
      -- rightful holder uploads it again to regain it). The graph keeps no per-edge flag: a node stored by one
      -- attestation counts as stored for every attestation of the organization that references it.
      INSERT INTO cas_mappings (org_id, digest, project_id, workflow_id, source, name, created_at)
        SELECT a.org_id, m.digest, w.project_id, a.workflow_id, 'attestation', json_extract(m.metadata, '$.name'), a.created_at
        FROM attestations a
        JOIN workflows w ON w.id = a.workflow_id
        JOIN referrers an ON an.org_id = a.org_id AND an.digest = a.digest AND an.kind = 'ATTESTATION'
        JOIN referrer_edges e ON e.from_id = an.id
        JOIN referrers m ON m.id = e.to_id
        WHERE m.downloadable = 1 AND m.digest LIKE 'sha256:%' AND (
          EXISTS (SELECT 1 FROM uploads u WHERE u.org_id = a.org_id AND u.digest = m.digest)
          OR NOT (
            EXISTS (SELECT 1 FROM uploads u WHERE u.org_id IN (SELECT id FROM organizations WHERE id <> a.org_id)
              AND u.digest = m.digest AND u.created_at < m.created_at)
            OR EXISTS (SELECT 1 FROM referrers o WHERE o.org_id IN (SELECT id FROM organizations WHERE id <> a.org_id)
              AND o.digest = m.digest AND o.downloadable = 1 AND o.created_at < m.created_at)))
        ORDER BY a.created_at, a.rowid, m.id
        ON CONFLICT DO NOTHING;
    `);
  },
};
