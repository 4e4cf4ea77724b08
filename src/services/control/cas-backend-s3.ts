import { join } from "node:path";
import { CairnError, isCairnError } from "../../errors.ts";
import type { CasBackendRecord, S3Settings } from "../../store/cas-backend-port.ts";
import { s3Store } from "../../store/s3/s3-store-for.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkS3Access } from "./cas-backend-check.ts";
import { checkBackendName, view, type CasBackendView } from "./cas-backends.ts";

export interface AddS3CasBackendInput {
  name: string;
  bucket: string;
  /** Key prefix inside the bucket (blobs at PREFIX/sha256/<hex>); default: the bucket's root. */
  prefix?: string;
  /** http(s)://host[:port]; default: AWS's endpoint for the region. */
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  /** NAMES of the variables holding the credentials (never stored); default AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  accessKeyEnv?: string;
  secretKeyEnv?: string;
  default?: boolean;
  /** Register without contacting the server (offline set-up). */
  skipCheck?: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** S3's bucket naming rules (3–63 of a-z 0-9 . -, starting and ending with a letter or digit). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9][a-z0-9-]*$/;
const usage = (msg: string, hint: string) => new CairnError("USAGE", msg, { hint });

/**
 * `cas-backend add s3`: validates every flag, then (unless --skip-check) writes the check blob to the bucket and reads
 * it back with these credentials, so a typo or a wrong secret fails now and not at the first CI run. Only then is the
 * row stored, with the variables' names, never their values.
 */
export async function addS3CasBackend(deps: ServiceDeps, input: AddS3CasBackendInput): Promise<CasBackendView> {
  const name = checkBackendName(input.name);
  if (await deps.casBackends.findByName(name)) {
    throw new CairnError("ALREADY_EXISTS", `CAS backend ${name} already exists`, { hint: `pick another --name, or \`cairn cas-backend remove ${name}\` first` });
  }
  const s3 = parseS3Settings(deps, input);
  const record: CasBackendRecord = {
    id: crypto.randomUUID(),
    name,
    provider: "s3",
    location: `s3://${s3.bucket}${s3.prefix === "" ? "" : `/${s3.prefix}`}`,
    username: null,
    passwordEnv: null,
    insecureHttp: false,
    isDefault: input.default === true,
    createdAt: deps.clock.now().toISOString(),
    s3,
  };
  if (!input.skipCheck) await check(deps, record);
  await deps.casBackends.insert(record);
  return view(record);
}

function parseS3Settings(deps: Pick<ServiceDeps, "config">, input: AddS3CasBackendInput): S3Settings {
  const bucket = input.bucket;
  if (!BUCKET.test(bucket) || bucket.includes("..")) {
    throw usage(`--bucket ${JSON.stringify(bucket)} is not an S3 bucket name`, "3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit (no s3:// and no path: use --prefix)");
  }
  const prefix = (input.prefix ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((seg) => seg === "" || seg === "." || seg === "..") && prefix !== "") {
    throw usage(`--prefix ${JSON.stringify(input.prefix)} has an empty, '.' or '..' segment`, "write the key prefix as segments separated by single '/', e.g. --prefix team/evidence");
  }
  const region = input.region ?? "us-east-1";
  if (!REGION.test(region)) throw usage(`--region ${JSON.stringify(region)} is not a region name`, "e.g. --region eu-west-1 (self-hosted servers usually take us-east-1)");
  return {
    bucket,
    prefix,
    endpoint: parseEndpoint(input.endpoint ?? `https://s3.${region}.amazonaws.com`),
    region,
    pathStyle: input.pathStyle === true,
    accessKeyEnv: envName(deps, input.accessKeyEnv ?? "AWS_ACCESS_KEY_ID", "--access-key-env", "access key id"),
    secretKeyEnv: envName(deps, input.secretKeyEnv ?? "AWS_SECRET_ACCESS_KEY", "--secret-key-env", "secret access key"),
  };
}

/** --endpoint: http(s)://host[:port], nothing after; kept without a trailing slash. */
function parseEndpoint(endpoint: string): string {
  const bad = (why: string) => usage(`--endpoint ${JSON.stringify(endpoint)} ${why}`, "write the S3 API's scheme, host and port, e.g. --endpoint https://minio.internal:9000");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw bad("is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw bad("is not http(s)");
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw bad("has a path, query or credentials; give only scheme, host and port (the bucket goes in --bucket, credentials in the environment)");
  }
  return url.origin;
}

function envName(deps: Pick<ServiceDeps, "config">, name: string, flag: string, what: string): string {
  if (!ENV_NAME.test(name)) throw usage(`${flag} ${JSON.stringify(name)} is not a variable name`, `name the variable holding the ${what}, not its value: e.g. ${flag} S3_${what.includes("secret") ? "SECRET" : "ACCESS"}_KEY`);
  if (!deps.config.env[name]) {
    throw new CairnError("ENV_MISSING", `${flag} ${name}: the variable holding the S3 ${what} is not set`, { hint: `export ${name}, then run the command again (its value is read at use time and never stored)` });
  }
  return name;
}

/** The check blob round trip, through the very store the backend will be; failures name the flags to fix. */
async function check(deps: ServiceDeps, record: CasBackendRecord): Promise<void> {
  const store = s3Store(record, { env: deps.config.env, stagingDir: join(deps.config.home, "cas", "tmp") });
  try {
    await checkS3Access(store);
  } catch (e) {
    if (!isCairnError(e)) throw e;
    const s3 = record.s3!;
    const where = `S3 bucket ${s3.bucket} at ${s3.endpoint}`; // how the store names it; here the flags are named
    const message = e.message.includes(where) ? e.message.replace(where, `--bucket ${s3.bucket} at --endpoint ${s3.endpoint}`) : `--bucket ${s3.bucket} at --endpoint ${s3.endpoint}: ${e.message}`;
    throw new CairnError(e.code, message, {
      hint: `${e.hint ? `${e.hint}; ` : ""}${e.code === "NETWORK" && !s3.pathStyle ? "a self-hosted server usually needs --path-style; " : ""}fix the flags, or add --skip-check to register the backend without contacting the server`,
      details: e.details,
      cause: e,
    });
  }
}
