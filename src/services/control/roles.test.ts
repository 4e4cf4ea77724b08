import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { actorLabel, checkRoleScope, forbidden, parseRole, roleAtLeast, ROLES } from "./roles.ts";

describe("roles", () => {
  test("each role includes the ones before it", () => {
    expect(ROLES).toEqual(["viewer", "attestor", "maintainer", "admin"]);
    expect(roleAtLeast("admin", "maintainer")).toBe(true);
    expect(roleAtLeast("attestor", "attestor")).toBe(true);
    expect(roleAtLeast("attestor", "maintainer")).toBe(false);
    expect(roleAtLeast("viewer", "attestor")).toBe(false);
  });

  test("an unknown role is USAGE listing the roles", async () => {
    const e = await expectCode(() => parseRole("superuser"), "USAGE");
    expect([e.message, e.hint]).toEqual(['--role "superuser" is not a role', "use one of viewer, attestor, maintainer, admin"]);
    expect(parseRole("viewer")).toBe("viewer");
  });

  test("maintainers and admins act on the whole organization: never narrowed to a project or workflow", async () => {
    const e = await expectCode(() => checkRoleScope("admin", { project: "p", workflow: "w" }), "USAGE");
    expect(e.message).toBe("--role admin cannot be combined with --workflow: admins act on the whole organization (its contracts are shared by every project)");
    await expectCode(() => checkRoleScope("maintainer", { project: "p" }), "USAGE");
    for (const role of ["viewer", "attestor"] as const) checkRoleScope(role, { project: "p", workflow: "w" });
    checkRoleScope("admin", {});
  });

  test("a refusal by role names the role needed and the token's, nothing about the target", () => {
    const e = forbidden("contract.update", "maintainer", "attestor");
    expect([e.code, e.message, e.details]).toEqual(["FORBIDDEN", "contract.update needs the maintainer role; this API token is an attestor", { needed: "maintainer", role: "attestor" }]);
    expect(forbidden("the audit trail", "maintainer", "viewer").message).toBe("the audit trail needs the maintainer role; this API token is a viewer");
  });

  test("who did it: the token's name, or local", () => {
    expect(actorLabel({ tokenId: "1", tokenName: "ci", role: "attestor" })).toBe("token:ci");
    expect(actorLabel(undefined)).toBe("local");
  });
});
