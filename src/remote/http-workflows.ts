import { contractRef, loadContractFile } from "../services/contracts.ts";
import type { ContractsPort, WorkflowsPort } from "./control-plane.ts";
import { applyRemote } from "./http-apply.ts";
import { renamingSource, seg, type HttpDeps } from "./http-util.ts";

/** Workflows and contracts over /api/v1/workflows, /api/v1/contracts and /api/v1/apply. */

/**
 * `--contract NAME|FILE`: a name is sent as is; a file is read and parsed here (same errors as locally) and sent as
 * `contractText`, which the server registers in the same transaction that creates or updates the workflow.
 */
function contractFields(value: string | undefined, cwd: string): { contract?: string; contractText?: string } {
  if (value === undefined) return {};
  const ref = contractRef(value, cwd);
  return "name" in ref ? { contract: ref.name } : { contractText: loadContractFile(ref.file, cwd, "--contract").body };
}

export function httpWorkflows({ client, reporter, cwd }: HttpDeps): WorkflowsPort {
  const warn = (m: string) => reporter.warn(m);
  const path = (i: { project: string; name: string }) => `/api/v1/workflows/${seg(i.project)}/${seg(i.name)}`;
  return {
    create: async (i) => {
      const body = { name: i.name, project: i.project, team: i.team, description: i.description, ...contractFields(i.contract, cwd), skipIfExists: i.skipIfExists };
      return client.json("POST", "/api/v1/workflows", { body }, warn);
    },
    list: (i) => client.json("GET", "/api/v1/workflows", { query: { project: i.project, team: i.team, limit: i.limit, next: i.next } }, warn),
    describe: (i) => client.json("GET", path(i), {}, warn),
    update: async (i) => client.json("PATCH", path(i), { body: { team: i.team, description: i.description, ...contractFields(i.contract, cwd) } }, warn),
    delete: (i) => client.json("DELETE", path(i), {}, warn),
  };
}

/** The contract file is read (and parsed, as locally) here; the server gets its text and names it "text". */
function contractText(file: string | undefined, cwd: string): string | undefined {
  return file === undefined ? undefined : loadContractFile(file, cwd, "-f").body;
}

function asFile(file: string | undefined): (s: string) => string {
  return (s) => (file === undefined ? s : s.replace(/(^|in )text(?=$|[:#\s])/g, `$1${file}`));
}

export function httpContracts(deps: HttpDeps): ContractsPort {
  const { client, reporter, cwd } = deps;
  const warn = (m: string) => reporter.warn(m);
  const path = (name: string) => `/api/v1/contracts/${seg(name)}`;
  return {
    create: async (i) => {
      const body = { name: i.name, text: contractText(i.file, cwd), description: i.description };
      return renamingSource(client.json("POST", "/api/v1/contracts", { body }, warn), asFile(i.file));
    },
    update: async (i) => {
      const body = { text: contractText(i.file, cwd), description: i.description };
      return renamingSource(client.json("PATCH", path(i.name), { body }, warn), asFile(i.file));
    },
    describe: (i) => client.json("GET", path(i.name), { query: { revision: i.revision } }, warn),
    list: (i) => client.json("GET", "/api/v1/contracts", { query: { limit: i.limit, next: i.next } }, warn),
    delete: (i) => client.json("DELETE", path(i.name), {}, warn),
    apply: (i) => applyRemote(deps, i),
  };
}
