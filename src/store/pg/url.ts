import { CairnError } from "../../errors.ts";

/** libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html); `allow` is left out (no use). */
export const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** A PostgreSQL connection URL, parsed once at the edge (`cairn serve --database postgres://…`). */
export interface DatabaseUrl {
  readonly hostname: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string | undefined;
  readonly sslmode: SslMode;
  /** A PEM file of the CA(s) to verify the server's certificate against (libpq's sslrootcert). */
  readonly sslrootcert: string | undefined;
  /** The URL with the password replaced by `***`: the only form that may appear in messages and logs. */
  readonly redacted: string;
}

const PARAMS = ["sslmode", "sslrootcert"];

/** Parses a `postgres://` or `postgresql://` URL; anything else is a USAGE error that never echoes the password. */
export function parseDatabaseUrl(value: string): DatabaseUrl {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usage(`--database ${redact(value)} is not a URL`);
  }
  const redacted = redact(value);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw usage(`--database ${redacted} is not a PostgreSQL URL`);
  if (url.hostname === "") throw usage(`--database ${redacted} names no host`);
  const port = url.port === "" ? 5432 : Number(url.port);
  for (const key of url.searchParams.keys()) {
    if (!PARAMS.includes(key)) throw usage(`--database ${redacted}: unsupported parameter ${key} (supported: ${PARAMS.join(", ")})`);
  }
  const mode = url.searchParams.get("sslmode") ?? "prefer";
  if (!(SSL_MODES as readonly string[]).includes(mode)) throw usage(`--database ${redacted}: sslmode=${mode} is not one of ${SSL_MODES.join(", ")}`);
  const rootcert = url.searchParams.get("sslrootcert") ?? undefined;
  const username = decode(url.username, redacted) || "postgres";
  const database = decode(url.pathname.replace(/^\//, ""), redacted) || username;
  if (database.includes("/")) throw usage(`--database ${redacted}: the path must be one database name`);
  return {
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    database,
    username,
    password: url.password === "" ? undefined : decode(url.password, redacted),
    sslmode: mode as SslMode,
    sslrootcert: rootcert,
    redacted,
  };
}

/**
 * The value with any password replaced by `***`, for messages: the userinfo's (up to the last `@`, so an unencoded
 * `@` or `/` in it is covered too) and a `password=` parameter's. Works on strings that are not valid URLs.
 */
export function redact(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):.*@/i, "$1:***@").replace(/([?&]password=)[^&#]*/gi, "$1***");
}

function decode(part: string, redacted: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw usage(`--database ${redacted} has a malformed percent-encoding`);
  }
}

function usage(message: string): CairnError {
  return new CairnError("USAGE", message, {
    hint: "give --database postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-ca|verify-full&sslrootcert=CA.pem] (percent-encode special characters)",
  });
}
