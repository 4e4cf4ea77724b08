import { isCairnError } from "../errors.ts";
import { createToken } from "../services/control/tokens.ts";
import type { ServiceDeps } from "../services/deps.ts";

export const ADMIN_ORG = "default";

/**
 * First start: the store has never had an admin token, so one is made (organization "default", name "admin", no
 * expiry) and its secret returned to be printed once. Later starts return undefined: the secret exists nowhere but
 * with whoever copied it (only its hash is stored), and a revoked admin token is not replaced.
 */
export async function ensureAdminToken(app: ServiceDeps): Promise<{ token: string; name: string } | undefined> {
  // Replicas starting at once on one database: the first creates the token, the others then see it.
  return await app.repo.transaction(async () => {
    await app.repo.lockName("admin-token");
    if (await app.orgs.hasAdminToken()) return undefined;
    const deps = { ...app, config: { ...app.config, organization: ADMIN_ORG } };
    // A user-made token may already be called "admin": take the first free name.
    for (let i = 1; ; i++) {
      const name = i === 1 ? "admin" : `admin-${i}`;
      try {
        const t = await createToken(deps, { name, admin: true, description: "instance admin token of cairn serve (printed once at first start)" });
        return { token: t.token, name };
      } catch (e) {
        if (!isCairnError(e, "ALREADY_EXISTS") || i > 100) throw e;
      }
    }
  });
}
