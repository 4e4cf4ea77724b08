import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { attestationGraph } from "./referrers.ts";
import type { CraftingState } from "./state/types.ts";
import { buildStatement } from "./statement.ts";

const state = JSON.parse(readFileSync(join(import.meta.dir, "../../fixtures/golden/basic/state.json"), "utf8")) as CraftingState;
const statement = buildStatement(state, { finishedAt: "2026-11-02T10:10:00.000Z", builderVersion: "t", annotations: {} });
const meta = { runId: "r1", workflow: "build-and-test", project: "skynet", organization: "default", contractName: "c", contractRevision: 2, createdAt: "2026-11-02T10:10:00.000Z" };

test("an attestation references its materials (CAS ones downloadable) and its git commit", () => {
  const g = attestationGraph(statement, `sha256:${"e".repeat(64)}`, meta);
  expect(g.attestation).toMatchObject({ kind: "ATTESTATION", downloadable: true, metadata: { workflow: "build-and-test", runId: "r1" } });
  expect(g.references.map((n) => [n.kind, n.digest, n.downloadable])).toEqual([
    ["GIT_HEAD_COMMIT", "sha1:80e461e9b385c6986cdb8096c9dc99928943d667", false],
    ["STRING", "sha256:b1c1ea8cd1e2a70d0d5ab1ba5e2c0b1ad0f5d3d1e5ac6d7a2b8e3f4c5d6e7f80", false],
    ["ARTIFACT", "sha256:f8a581d4bce57f792444b2230b5706a6f902fbac19a374e76f6a56f030d35cf2", true],
  ]);
  expect(g.references[2]!.metadata).toEqual({ material: "rootfs", name: "rootfs.tar.gz" });
});
