import { describe, expect, test } from "bun:test";
import type { ReferrerNode } from "../../crafter/referrers.ts";
import { at, seed, useStore, type OpenStore, type StorePorts } from "./contract-store.testutil.ts";

const RUN = { runnerType: "RUNNER_TYPE_UNSPECIFIED", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1 };
const node = (digest: string, kind: string, downloadable = false, metadata: Record<string, string> = {}): ReferrerNode => ({ digest, kind, downloadable, metadata });
const ATT1 = node("sha256:att1", "ATTESTATION", true, { predicateType: "p1", workflow: "build" });
const ATT2 = node("sha256:att2", "ATTESTATION", true, { predicateType: "p2", workflow: "build2" });
const ART = node("sha256:art", "CONTAINER_IMAGE", true, { name: "img" });
const GIT = node("sha1:git", "GIT_HEAD_COMMIT");

/** The ReferrerRepo contract: the referrer graph, searched by digest both ways, within a token's scope. */
export function referrerRepoContract(name: string, open: OpenStore<Pick<StorePorts, "repo" | "referrers">>): void {
  describe(`${name}: referrer graph`, () => {
    const s = useStore(open);
    let ids: { org: string; skynet: string; other: string; build: string; build2: string } | undefined;

    /**
     * Attestation 2 (project other, workflow build2) references the image (also as ARTIFACT, not downloadable) and
     * attestation 1, before attestation 1 (skynet/build: the image and a commit) is indexed itself.
     */
    async function fixture() {
      if (ids) return ids;
      const { repo, referrers } = s();
      const { org, project, contract, workflow } = await seed(s(), "refs");
      const other = await repo.ensureProject(org.id, "other", at(0));
      const build2 = await repo.createWorkflow({ orgId: org.id, projectId: other.id, name: "build2", team: null, description: null, contractId: contract.id, createdBy: "local" }, at(0));
      for (const [run, w, digest] of [["ref-1", workflow.id, ATT1.digest], ["ref-2", build2.id, ATT2.digest]] as const) {
        await repo.createRun({ ...RUN, id: run, orgId: org.id, workflowId: w, createdAt: at(1) });
        await repo.insertAttestation({ digest, orgId: org.id, runId: run, workflowId: w, predicateType: "p", size: 1, createdAt: at(1) });
      }
      await referrers.index(org.id, { attestation: ATT2, references: [ART, node(ART.digest, "ARTIFACT"), node(ATT1.digest, "ATTESTATION")] }, at(2));
      await referrers.index(org.id, { attestation: ATT1, references: [ART, GIT] }, at(3));
      return (ids = { org: org.id, skynet: project.id, other: other.id, build: workflow.id, build2: build2.id });
    }

    test("find: one node per kind of a digest, by kind; a node first seen as a reference gains its own metadata", async () => {
      const f = await fixture();
      const { referrers } = s();
      expect(await referrers.find(f.org, ART.digest)).toEqual([
        { id: expect.any(Number), digest: ART.digest, kind: "ARTIFACT", downloadable: false, metadata: {}, createdAt: at(2) },
        { id: expect.any(Number), digest: ART.digest, kind: "CONTAINER_IMAGE", downloadable: true, metadata: { name: "img" }, createdAt: at(2) },
      ]);
      expect(await referrers.find(f.org, ATT1.digest)).toEqual([{ id: expect.any(Number), digest: ATT1.digest, kind: "ATTESTATION", downloadable: true, metadata: ATT1.metadata, createdAt: at(2) }]);
      expect(await referrers.find(f.org, "sha256:none")).toEqual([]);
      expect(await referrers.find("other-org", ART.digest)).toEqual([]);
    });

    test("index is idempotent, and a later reference never lowers downloadable nor replaces metadata", async () => {
      const f = await fixture();
      const { referrers } = s();
      const before = await Promise.all([ART.digest, ATT1.digest, GIT.digest].map((d) => referrers.find(f.org, d)));
      await referrers.index(f.org, { attestation: ATT1, references: [ART, GIT] }, at(9));
      await referrers.index(f.org, { attestation: ATT2, references: [node(ART.digest, "CONTAINER_IMAGE", false, { other: "x" })] }, at(9));
      expect(await Promise.all([ART.digest, ATT1.digest, GIT.digest].map((d) => referrers.find(f.org, d)))).toEqual(before);
    });

    test("neighbours: references and referrers in id order, paged after an id", async () => {
      const f = await fixture();
      const { referrers } = s();
      const [att1] = await referrers.find(f.org, ATT1.digest);
      const [att2] = await referrers.find(f.org, ATT2.digest);
      const [artifact, image] = await referrers.find(f.org, ART.digest);
      const refs2 = await referrers.neighbours(att2!.id, "references", 10);
      expect(refs2.map((n) => n.id)).toEqual([image!.id, artifact!.id, att1!.id].sort((a, b) => a - b));
      expect(refs2.map((n) => n.id)).toEqual([...refs2.map((n) => n.id)].sort((a, b) => a - b));
      expect((await referrers.neighbours(att1!.id, "references", 10)).map((n) => n.kind)).toEqual(["CONTAINER_IMAGE", "GIT_HEAD_COMMIT"]);
      const by = await referrers.neighbours(image!.id, "referredBy", 10);
      expect(by.map((n) => n.digest)).toEqual(att2!.id < att1!.id ? [ATT2.digest, ATT1.digest] : [ATT1.digest, ATT2.digest]);
      const page1 = await referrers.neighbours(image!.id, "referredBy", 1);
      const page2 = await referrers.neighbours(image!.id, "referredBy", 1, page1[0]!.id);
      expect([...page1, ...page2]).toEqual(by);
      expect(await referrers.neighbours(image!.id, "referredBy", 1, page2[0]!.id)).toEqual([]);
      expect(await referrers.neighbours(image!.id, "references", 10)).toEqual([]);
    });

    test("attestationsReferencing: the attestations referencing any node of a digest, oldest first, with their predicate type", async () => {
      const f = await fixture();
      const { referrers } = s();
      // att2 was indexed first; its node is the older one.
      expect(await referrers.attestationsReferencing(f.org, ART.digest, 10)).toEqual([
        { digest: ATT2.digest, predicateType: "p2" },
        { digest: ATT1.digest, predicateType: "p1" },
      ]);
      expect(await referrers.attestationsReferencing(f.org, ART.digest, 1)).toEqual([{ digest: ATT2.digest, predicateType: "p2" }]);
      expect(await referrers.attestationsReferencing(f.org, ATT1.digest, 10)).toEqual([{ digest: ATT2.digest, predicateType: "p2" }]);
      expect(await referrers.attestationsReferencing(f.org, ATT2.digest, 10)).toEqual([]);
    });

    test("a scope sees only its attestations' nodes and what they reference", async () => {
      const f = await fixture();
      const { referrers } = s();
      const other = { projectId: f.other };
      expect(await referrers.find(f.org, GIT.digest, other)).toEqual([]);
      expect((await referrers.find(f.org, GIT.digest, { projectId: f.skynet, workflowId: f.build })).map((n) => n.kind)).toEqual(["GIT_HEAD_COMMIT"]);
      expect((await referrers.find(f.org, ART.digest, { projectId: f.skynet })).map((n) => n.kind)).toEqual(["CONTAINER_IMAGE"]);
      // att1's own node is referenced by att2, so project `other` sees it too.
      expect(await referrers.find(f.org, ATT1.digest, other)).toHaveLength(1);
      expect(await referrers.find(f.org, ATT2.digest, { workflowId: f.build })).toEqual([]);
      const [image] = await referrers.find(f.org, ART.digest, other);
      expect((await referrers.neighbours(image!.id, "referredBy", 10, 0, { workflowId: f.build2 })).map((n) => n.digest)).toEqual([ATT2.digest]);
      const [att1] = await referrers.find(f.org, ATT1.digest);
      expect((await referrers.neighbours(att1!.id, "references", 10, 0, other)).map((n) => n.kind)).toEqual(["CONTAINER_IMAGE"]);
      expect(await referrers.attestationsReferencing(f.org, ART.digest, 10, { projectId: f.skynet })).toEqual([{ digest: ATT1.digest, predicateType: "p1" }]);
    });

    test("concurrent indexing of one new graph stores each node and edge once", async () => {
      const f = await fixture();
      const { referrers } = s();
      const graph = { attestation: node("sha256:c-att", "ATTESTATION", true, { predicateType: "pc" }), references: [node("sha256:c-1", "FILE", true), node("sha256:c-2", "FILE")] };
      await Promise.all(Array.from({ length: 6 }, () => referrers.index(f.org, graph, at(5))));
      const [att] = await referrers.find(f.org, "sha256:c-att");
      expect((await referrers.neighbours(att!.id, "references", 10)).map((n) => n.digest)).toEqual(["sha256:c-1", "sha256:c-2"]);
      expect(await referrers.find(f.org, "sha256:c-1")).toHaveLength(1);
    });
  });
}
