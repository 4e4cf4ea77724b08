import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { outputOption, print, refuseRemote, withApp, type OutputFormat } from "./shared.ts";
import { s3AddCommand } from "./cas-backend-s3.ts";
import { creds, provider, reportAdded } from "./cas-backend-view.ts";

type Out = { output: OutputFormat };
type AddOpts = Out & { name: string; repo: string; username?: string; passwordEnv?: string; insecureHttp: boolean; default: boolean; skipCheck: boolean };

const WHY_LOCAL = "a server's CAS backends are its operator's business, configured where its store lives";

/** `cairn cas-backend add oci|s3|list|set-default|remove`: where evidence blobs are stored (the local CAS, OCI registries, S3 buckets). */
export function casBackendCommand(): Command {
  const oci = new Command("oci")
    .description("an OCI registry repository: every blob is pushed as an ORAS artifact tagged sha256-<hex>.cairn")
    .requiredOption("--name <name>", "backend name (DNS-1123; `local` is the built-in disk CAS)")
    .requiredOption("--repo <host/namespace>", "registry host and repository, e.g. registry.internal:5000/team/evidence")
    .option("--username <user>", "registry user (default: credentials from docker config.json at use time)")
    .option("--password-env <var>", "environment variable holding the password (it must be set now and when used; never stored)")
    .option("--insecure-http", "plain http instead of https (a registry without TLS on a private network)", false)
    .option("--default", "write new evidence to this backend", false)
    .option("--skip-check", "register without contacting the registry (offline set-up)", false)
    .addOption(outputOption())
    .action(async (opts: AddOpts, c: Command) => {
      refuseRemote(c, "cas-backend add", WHY_LOCAL);
      await withApp(c, async (app) => {
        const { addCasBackend } = await import("../services/control/cas-backends.ts");
        reportAdded(opts.output, await addCasBackend(app, opts), "pushed to");
      });
    });
  const add = new Command("add").description("add a CAS backend").addCommand(oci).addCommand(s3AddCommand(WHY_LOCAL));
  const list = new Command("list")
    .description("list CAS backends, the built-in local CAS first; * marks the default")
    .addOption(outputOption())
    .action(async (opts: Out, c: Command) => {
      refuseRemote(c, "cas-backend list", WHY_LOCAL);
      await withApp(c, async (app) => {
        const { listCasBackends } = await import("../services/control/cas-backends.ts");
        const items = await listCasBackends(app);
        print(opts.output, { items }, () =>
          renderTable({ head: ["", "Name", "Provider", "Location", "Credentials", "Created At"], rows: items.map((b) => [b.default ? "*" : "", b.name, provider(b), b.location, creds(b), b.createdAt ?? ""]) }),
        );
      });
    });
  const setDefault = new Command("set-default")
    .description("write new evidence to this backend (`local`: the disk CAS); blobs stored before stay readable")
    .argument("<name>", "backend name, or local")
    .addOption(outputOption())
    .action(async (name: string, opts: Out, c: Command) => {
      refuseRemote(c, "cas-backend set-default", WHY_LOCAL);
      await withApp(c, async (app) => {
        const { setDefaultCasBackend } = await import("../services/control/cas-backends.ts");
        const r = await setDefaultCasBackend(app, { name });
        if (opts.output === "table") io.info(`default CAS backend: ${r.name} (was ${r.previous})`);
        else io.json(r);
      });
    });
  const remove = new Command("remove")
    .description("forget a backend (nothing is deleted from the registry)")
    .argument("<name>", "backend name")
    .addOption(outputOption())
    .action(async (name: string, opts: Out, c: Command) => {
      refuseRemote(c, "cas-backend remove", WHY_LOCAL);
      await withApp(c, async (app) => {
        const { removeCasBackend } = await import("../services/control/cas-backends.ts");
        const r = await removeCasBackend(app, { name });
        if (opts.output === "table") io.info(`CAS backend ${r.name} removed`);
        else io.json(r);
      });
    });
  return new Command("cas-backend").description("where evidence blobs are stored: the local CAS, OCI registries or S3 buckets").addCommand(add).addCommand(list).addCommand(setDefault).addCommand(remove);
}
