// Test support for the in-process API tests: a real store seeded through the services, and a server on 127.0.0.1:0.
import { createHash } from "node:crypto";
import type { PushResult } from "../services/crafting/push.ts";
import { createOrg } from "../services/control/orgs.ts";
import { pushRun, testStore, type TestStore } from "../services/control/runs.testutil.ts";
import { createToken, revokeToken } from "../services/control/tokens.ts";
import type { ServiceDeps } from "../services/deps.ts";
import { ensureAdminToken } from "./bootstrap.ts";
import type { Limits } from "./context.ts";
import { startServer, type RunningServer } from "./server.ts";
import type { WebHandler } from "./web-seam.ts";

export const sha = (b: string | Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export const CONTENT = { shared: "shared by p1 and p2\n", p1: "p1 only\n", p1test: "p1 test report\n", p2: "p2 only\n", other: "other org only\n" };

export interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export interface ReqOpts {
  /** Default: the organization token; null: no Authorization header. */
  token?: string | null;
  body?: unknown;
  raw?: RequestInit["body"];
  headers?: Record<string, string>;
}

export type TokenName = "admin" | "org" | "maintainer" | "attestor" | "viewer" | "p1" | "p1build" | "p2" | "p1viewer" | "revoked" | "expired" | "other";

export interface Api {
  s: TestStore;
  server: RunningServer;
  url: string;
  /**
   * admin (the instance admin), org (an admin of organization default), maintainer, attestor and viewer (organization-
   * level), p1 and p2 (project attestors), p1build (a workflow attestor), p1viewer (a project viewer), revoked, expired,
   * other (an admin of organization "other").
   */
  tokens: Record<TokenName, string>;
  runs: Record<"p1build" | "p1test" | "p2deploy" | "other", PushResult>;
  logs: string[];
  req(method: string, path: string, opts?: ReqOpts): Promise<Reply>;
  cleanup(): Promise<void>;
}

function inOrg(app: ServiceDeps, organization: string): ServiceDeps {
  return { ...app, config: { ...app.config, organization } };
}

/** default: p1/build, p1/test, p2/deploy (each pushed once with stored ARTIFACT materials); other: o/job. */
export async function apiFixture(opts: { limits?: Partial<Limits>; web?: WebHandler } = {}): Promise<Api> {
  const s = await testStore();
  for (const [k, v] of Object.entries(CONTENT)) s.file(`${k}.bin`, v);
  const art = (name: string, file: string) => ({ name, kind: "ARTIFACT", value: file });
  const admin = (await ensureAdminToken(s.app))!.token;
  const expired = (await createToken(s.app, { name: "old", expiration: "1h" })).token;
  s.advance(2 * 3_600_000);
  const runs = {
    p1build: await pushRun(s, "build", "p1", [art("shared", "shared.bin"), art("own", "p1.bin")]),
    p1test: await pushRun(s, "test", "p1", [art("report", "p1test.bin")]),
    p2deploy: await pushRun(s, "deploy", "p2", [art("shared", "shared.bin"), art("own", "p2.bin")]),
    other: undefined as unknown as PushResult,
  };
  await createOrg(s.app, { name: "other" });
  const other = inOrg(s.app, "other");
  runs.other = await pushRun({ ...s, app: { ...s.app, ...other } }, "job", "o", [art("own", "other.bin")]);
  const gone = await createToken(s.app, { name: "gone" });
  await revokeToken(s.app, { id: gone.id });
  const tokens = {
    admin,
    org: (await createToken(s.app, { name: "ci", role: "admin" })).token,
    maintainer: (await createToken(s.app, { name: "secops", role: "maintainer" })).token,
    attestor: (await createToken(s.app, { name: "org-ci", role: "attestor" })).token,
    viewer: (await createToken(s.app, { name: "auditor", role: "viewer" })).token,
    p1: (await createToken(s.app, { name: "p1", project: "p1" })).token,
    p1build: (await createToken(s.app, { name: "p1build", project: "p1", workflow: "build" })).token,
    p2: (await createToken(s.app, { name: "p2", project: "p2" })).token,
    p1viewer: (await createToken(s.app, { name: "p1viewer", project: "p1", role: "viewer" })).token,
    revoked: gone.token,
    expired,
    other: (await createToken(other, { name: "o", role: "admin" })).token,
  };
  const logs: string[] = [];
  const limits: Limits = { maxBodyBytes: 64 * 1024, maxBlobBytes: 1024 * 1024, ...opts.limits };
  const server = startServer({ app: s.app, hostname: "127.0.0.1", port: 0, limits, web: opts.web, log: (l) => void logs.push(l) });
  const req = async (method: string, path: string, o: ReqOpts = {}): Promise<Reply> => {
    const token = o.token === undefined ? tokens.org : o.token;
    const headers: Record<string, string> = { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...o.headers };
    const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    s,
    server,
    url: server.url,
    tokens,
    runs,
    logs,
    req,
    cleanup: async () => {
      await server.stop(1000);
      s.cleanup();
    },
  };
}
