/** Test support: the OidcIssuerRepo contract (one registration per issuer, on any replica), as each store runs it. */
import { describe, expect, test } from "bun:test";
import type { OidcIssuerRecord, OidcIssuerRepo } from "../oidc-issuer-port.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

export interface OidcIssuerPorts {
  oidcIssuers: OidcIssuerRepo;
  /** The same store over another connection: another replica of `cairn serve`, or a CLI beside them. */
  replica(): Promise<OidcIssuerRepo>;
}

const issuer = (url: string, extra: Partial<OidcIssuerRecord> = {}): OidcIssuerRecord => ({
  issuer: url,
  audience: "sigstore",
  org: null,
  jwks: JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", x: "x", y: "y", kid: url }] }),
  jwksFile: "/ci/jwks.json",
  addedAt: "2025-01-01T00:00:00.000Z",
  ...extra,
});

export function oidcIssuerContract(name: string, open: OpenStore<OidcIssuerPorts>): void {
  describe(`OidcIssuerRepo contract: ${name}`, () => {
    const withStore = (fn: (p: OidcIssuerPorts, repo: OidcIssuerRepo) => Promise<void>) => async () => {
      const p = await open();
      try {
        await fn(p, p.oidcIssuers);
      } finally {
        await p.close();
      }
    };

    test("stores a registration as given (JWKS text, null org), finds it by its exact issuer", withStore(async (_, repo) => {
      const gh = issuer("https://token.actions.githubusercontent.com", { org: "acme", jwks: '{"keys":[{"kty":"RSA","n":"AQAB…","e":"AQAB","kid":"k1"}]}' });
      expect(await repo.list()).toEqual([]);
      expect(await repo.add(gh)).toBe(true);
      expect(await repo.find(gh.issuer)).toEqual(gh);
      expect(await repo.add(issuer("https://gitlab.com"))).toBe(true);
      expect(await repo.find("https://gitlab.com")).toEqual(issuer("https://gitlab.com"));
      expect(await repo.find(`${gh.issuer}/`)).toBeUndefined();
    }));

    test("list is by issuer, bytewise; a trailing slash or another case is another issuer", withStore(async (_, repo) => {
      for (const u of ["https://b.example", "https://a.example/", "https://B.example", "https://a.example"]) expect(await repo.add(issuer(u))).toBe(true);
      expect((await repo.list()).map((r) => r.issuer)).toEqual(["https://B.example", "https://a.example", "https://a.example/", "https://b.example"]);
    }));

    test("a second add of an issuer is false and changes nothing; remove is true once, then the issuer may be added again", withStore(async (_, repo) => {
      const first = issuer("https://ci.example");
      expect(await repo.add(first)).toBe(true);
      expect(await repo.add(issuer("https://ci.example", { audience: "other", org: "acme", addedAt: "2026-01-01T00:00:00.000Z" }))).toBe(false);
      expect(await repo.list()).toEqual([first]);
      expect(await repo.remove("https://ci.example/")).toBe(false);
      expect(await repo.remove("https://ci.example")).toBe(true);
      expect(await repo.remove("https://ci.example")).toBe(false);
      expect(await repo.list()).toEqual([]);
      const again = issuer("https://ci.example", { audience: "cairn" });
      expect(await repo.add(again)).toBe(true);
      expect(await repo.find("https://ci.example")).toEqual(again);
    }));

    test("replicas: adds of one issuer from several at once, one succeeds; each sees the others' adds and removes at once", withStore(async (p, repo) => {
      const repos = [repo, await p.replica(), await p.replica()];
      const got = await Promise.all(repos.map((r, i) => r.add(issuer("https://race.example", { audience: `aud-${i}` }))));
      expect(got.filter(Boolean)).toHaveLength(1);
      const winner = `aud-${got.indexOf(true)}`;
      for (const r of repos) expect((await r.find("https://race.example"))?.audience).toBe(winner);
      expect(await repos[1]!.add(issuer("https://other.example"))).toBe(true);
      expect((await repos[2]!.list()).map((r) => r.issuer)).toEqual(["https://other.example", "https://race.example"]);
      expect(await repos[2]!.remove("https://race.example")).toBe(true);
      expect(await repo.find("https://race.example")).toBeUndefined();
      expect(await repos[1]!.remove("https://race.example")).toBe(false);
    }));
  });
}
