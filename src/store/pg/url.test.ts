import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { parseDatabaseUrl, redact } from "./url.ts";

describe("parseDatabaseUrl", () => {
  test("reads host, port, database, user and a percent-encoded password", () => {
    const u = parseDatabaseUrl("postgres://cairn:p%40ss%2Fw0rd@db.example:6543/evidence?sslmode=verify-full&sslrootcert=/etc/ca.pem");
    expect(u).toEqual({
      hostname: "db.example", port: 6543, database: "evidence", username: "cairn", password: "p@ss/w0rd",
      sslmode: "verify-full", sslrootcert: "/etc/ca.pem", redacted: "postgres://cairn:***@db.example:6543/evidence?sslmode=verify-full&sslrootcert=/etc/ca.pem",
    });
  });

  test("libpq's defaults: port 5432, user postgres, database named as the user, sslmode prefer; postgresql:// too", () => {
    expect(parseDatabaseUrl("postgresql://db")).toMatchObject({ port: 5432, username: "postgres", database: "postgres", password: undefined, sslmode: "prefer" });
    expect(parseDatabaseUrl("postgres://ci@db")).toMatchObject({ username: "ci", database: "ci" });
    expect(parseDatabaseUrl("postgres://[::1]:5433/x")).toMatchObject({ hostname: "::1", port: 5433 });
  });

  test("every libpq sslmode but allow is taken", () => {
    for (const mode of ["disable", "prefer", "require", "verify-ca", "verify-full"]) {
      expect(parseDatabaseUrl(`postgres://db/x?sslmode=${mode}`).sslmode).toBe(mode as never);
    }
  });

  test("other schemes, bad sslmodes, unknown parameters and non-URLs are USAGE errors that never show the password", async () => {
    for (const bad of [
      "mysql://u:hunter2@db/x",
      "sqlite:///tmp/x.db",
      "postgres://u:hunter2@db/x?sslmode=allow",
      "postgres://u:hunter2@db/x?sslmode=sometimes",
      "postgres://u:hunter2@db/x?connect_timeout=3",
      "postgres://u:hunter2@db/x?password=hunter2",
      "postgres://u:hunter2@db/a/b",
      "postgres://u:hun/ter2@",
      "not a url hunter2",
    ]) {
      const e = await expectCode(() => parseDatabaseUrl(bad), "USAGE");
      if (!bad.startsWith("not a url")) expect(e.message).not.toContain("hunter2");
      expect(e.message).not.toContain("hun/ter2");
      expect(e.hint).toContain("postgres://USER[:PASSWORD]@HOST");
    }
  });

  test("the message names the offending value or parameter", async () => {
    expect((await expectCode(() => parseDatabaseUrl("mysql://db/x"), "USAGE")).message).toContain("mysql://db/x is not a PostgreSQL URL");
    expect((await expectCode(() => parseDatabaseUrl("postgres://db/x?sslmode=on"), "USAGE")).message).toContain("sslmode=on is not one of");
    expect((await expectCode(() => parseDatabaseUrl("postgres://db/x?ssl=1"), "USAGE")).message).toContain("unsupported parameter ssl");
  });
});

describe("redact", () => {
  test("hides the userinfo's password (up to the last @) and a password= parameter, keeps the rest", () => {
    expect(redact("postgres://u:secret@h:5432/d")).toBe("postgres://u:***@h:5432/d");
    expect(redact("postgres://u:se@c/ret@h/d")).toBe("postgres://u:***@h/d");
    expect(redact("postgres://u@h/d?password=secret&sslmode=require")).toBe("postgres://u@h/d?password=***&sslmode=require");
    expect(redact("postgres://h/d")).toBe("postgres://h/d");
  });
});
