import { Command } from "commander";
import { reportAdded } from "./cas-backend-view.ts";
import { outputOption, refuseRemote, withApp, type OutputFormat } from "./shared.ts";

type S3Opts = {
  output: OutputFormat;
  name: string;
  bucket: string;
  prefix?: string;
  endpoint?: string;
  region?: string;
  pathStyle: boolean;
  accessKeyEnv?: string;
  secretKeyEnv?: string;
  default: boolean;
  skipCheck: boolean;
};

/** `cairn cas-backend add s3`: an S3 (or S3-compatible) bucket; credentials come from the environment, never stored. */
export function s3AddCommand(whyLocal: string): Command {
  return new Command("s3")
    .description("an S3 or S3-compatible bucket (MinIO, Ceph, Swift s3api, …): every blob is stored at PREFIX/sha256/<hex>")
    .requiredOption("--name <name>", "backend name (DNS-1123; `local` is the built-in disk CAS)")
    .requiredOption("--bucket <bucket>", "bucket name (it must exist)")
    .option("--prefix <prefix>", "key prefix inside the bucket, e.g. team/evidence (default: the bucket's root)")
    .option("--endpoint <url>", "the S3 API, http(s)://host[:port] (default: AWS's endpoint for --region)")
    .option("--region <region>", "region the requests are signed for", "us-east-1")
    .option("--path-style", "path-style URLs (endpoint/bucket/key), as most self-hosted servers need", false)
    .option("--access-key-env <var>", "environment variable holding the access key id (must be set now and when used; never stored)", "AWS_ACCESS_KEY_ID")
    .option("--secret-key-env <var>", "environment variable holding the secret access key (must be set now and when used; never stored)", "AWS_SECRET_ACCESS_KEY")
    .option("--default", "write new evidence to this backend", false)
    .option("--skip-check", "register without contacting the server (offline set-up)", false)
    .addOption(outputOption())
    .action(async (opts: S3Opts, c: Command) => {
      refuseRemote(c, "cas-backend add", whyLocal);
      await withApp(c, async (app) => {
        const { addS3CasBackend } = await import("../services/control/cas-backend-s3.ts");
        reportAdded(opts.output, await addS3CasBackend(app, opts), "stored in");
      });
    });
}
