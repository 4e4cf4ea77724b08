// Test support: one store served in-process (apiFixture), and the CLI's control plane both ways onto it.
import type { Api } from "../server/api.testutil.ts";
import type { ControlPlane } from "./control-plane.ts";
import { httpControlPlane } from "./http-control-plane.ts";
import { localControlPlane } from "./local-control-plane.ts";

export interface Pair {
  local: ControlPlane;
  remote: ControlPlane;
  /** Warnings each side reported, in order. */
  warnings: { local: string[]; remote: string[] };
}

/** The organization token by default; the local side works in organization default, as that token does. */
export function planes(api: Api, token = api.tokens.org, fetchImpl?: typeof fetch): Pair {
  const warnings = { local: [] as string[], remote: [] as string[] };
  const app = api.s.app;
  const local = localControlPlane({ ...app, reporter: { warn: (m) => void warnings.local.push(m) }, close: () => {} });
  const config = { ...app.config, remote: { url: api.url.replace(/\/$/, ""), token } };
  const remote = httpControlPlane(config, { warn: (m) => void warnings.remote.push(m) }, fetchImpl);
  return { local, remote, warnings };
}

/** Runs `f` against one side; the outcome (value, or the error's code, message and hint) for comparing. */
export async function outcome<T>(f: () => Promise<T>): Promise<{ ok: T } | { error: { code: string; message: string; hint?: string } }> {
  try {
    return { ok: await f() };
  } catch (e) {
    const { code, message, hint } = e as { code: string; message: string; hint?: string };
    return { error: { code, message, hint } };
  }
}

/** The same call both ways: expects equal outcomes and returns the remote one. */
export async function same<T>(p: Pair, call: (cp: ControlPlane) => Promise<T>): Promise<Awaited<ReturnType<typeof outcome<T>>>> {
  const remote = await outcome(() => call(p.remote));
  const local = await outcome(() => call(p.local));
  if (JSON.stringify(local) !== JSON.stringify(remote)) throw new Error(`local and remote differ:\nlocal  ${JSON.stringify(local)}\nremote ${JSON.stringify(remote)}`);
  return remote;
}
