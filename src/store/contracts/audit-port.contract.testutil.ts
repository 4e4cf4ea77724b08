/** The behaviour every AuditRepo adapter shares (src/store/audit-port.ts), run against each store. */
import { describe, expect, test } from "bun:test";
import type { AuditRepo, NewAuditEvent } from "../audit-port.ts";
import { withTwoOrgs, type ContractStore, type OpenStore } from "./contract-store.testutil.ts";

type Port = AuditRepo;

const event = (over: Partial<NewAuditEvent>): NewAuditEvent => ({
  orgId: "o1", at: "2025-01-01T00:00:00.000Z", tokenId: "tok-1", actor: "token:ci", role: "maintainer", action: "contract.update",
  target: "contract release", outcome: "ok", status: 200, ...over,
});

export function auditRepoContract(name: string, open: OpenStore<ContractStore<Port>>): void {
  describe(`${name}: AuditRepo contract`, () => {
    test("appends events with increasing numeric ids and lists them newest first, per organization, as written", () =>
      withTwoOrgs(open, async (repo) => {
        await repo.append(event({}));
        await repo.append(event({ tokenId: null, actor: "local", role: null, target: "", status: null, action: "org.create" }));
        await repo.append(event({ orgId: "o2" }));
        const [second, first] = await repo.list({ orgId: "o1", limit: 10 });
        expect(typeof first!.id).toBe("number");
        expect(second!.id).toBeGreaterThan(first!.id);
        expect(first).toEqual({ id: first!.id, ...event({}) });
        expect(second).toEqual({ id: second!.id, ...event({ tokenId: null, actor: "local", role: null, target: "", status: null, action: "org.create" }) });
        expect((await repo.list({ orgId: "o2", limit: 10 })).map((e) => e.orgId)).toEqual(["o2"]);
        expect(await repo.list({ orgId: "nobody", limit: 10 })).toEqual([]);
      }));

    test("filters: since (inclusive), actor, exact action or a prefix with *, outcome ok or refused", () =>
      withTwoOrgs(open, async (repo) => {
        await repo.append(event({ at: "2025-01-01T00:00:00.000Z", action: "contract.update" }));
        await repo.append(event({ at: "2025-01-02T00:00:00.000Z", action: "contract.delete", actor: "local", outcome: "refused: FORBIDDEN", status: 403 }));
        await repo.append(event({ at: "2025-01-03T00:00:00.000Z", action: "contractx" }));
        await repo.append(event({ at: "2025-01-04T00:00:00.000Z", action: "workflow.delete" }));
        const actions = async (q: Partial<Parameters<Port["list"]>[0]>) => (await repo.list({ orgId: "o1", limit: 10, ...q })).map((e) => e.action);
        expect(await actions({ since: "2025-01-03T00:00:00.000Z" })).toEqual(["workflow.delete", "contractx"]);
        expect(await actions({ actor: "local" })).toEqual(["contract.delete"]);
        expect(await actions({ action: "contract.*" })).toEqual(["contract.delete", "contract.update"]);
        expect(await actions({ action: "contract*" })).toEqual(["contractx", "contract.delete", "contract.update"]);
        expect(await actions({ action: "contract.update" })).toEqual(["contract.update"]);
        expect(await actions({ action: "contract" })).toEqual([]);
        expect(await actions({ outcome: "refused" })).toEqual(["contract.delete"]);
        expect(await actions({ outcome: "ok", action: "contract.*" })).toEqual(["contract.update"]);
      }));

    test("pages newest first by id: limit, then beforeId the previous page's last", () =>
      withTwoOrgs(open, async (repo) => {
        for (let i = 0; i < 5; i++) await repo.append(event({ target: `t${i}` }));
        const page1 = await repo.list({ orgId: "o1", limit: 2 });
        expect(page1.map((e) => e.target)).toEqual(["t4", "t3"]);
        const page2 = await repo.list({ orgId: "o1", limit: 2, beforeId: page1[1]!.id });
        expect(page2.map((e) => e.target)).toEqual(["t2", "t1"]);
        const page3 = await repo.list({ orgId: "o1", limit: 2, beforeId: page2[1]!.id });
        expect(page3.map((e) => e.target)).toEqual(["t0"]);
      }));
  });
}
