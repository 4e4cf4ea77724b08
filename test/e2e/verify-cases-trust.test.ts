// `cairn verify artifact` on who signed and what logged it, through the compiled binary: a keyless push under the
// home's CA passes, and fails (exit 1) when only another home's CA is trusted; --require-tlog fails (exit 4) on a
// local push, which no log records, and passes on a push through `cairn serve`, which logs it. The keyless home never
// runs `cairn serve`: once it has, the home's root lists the log, and a local keyless push whose certificate was still
// valid when the log began (10 minutes) does not verify without an entry (and new ones are refused at push).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const CAIRN_PREDICATE = "https://cairn.dev/attestation/v0.1";

interface Considered {
  predicateType: string;
  accepted: boolean;
  reasons: string[];
  tlog: boolean;
  signer?: string;
}

/** Serves (and logs); its CA is the one the keyless home does not trust. */
const sb = new Sandbox();
/** A CA of its own and no server: local keyless pushes. */
const kl = new Sandbox();
let served: Served;
let env: Record<string, string>;

function verifyJson(file: string, args: string[] = [], home = sb): { code: number; considered: Considered[] } {
  const r = home.run(["verify", "artifact", file, ...args, "-o", "json"]);
  return { code: r.code, considered: (JSON.parse(r.stdout) as { considered: Considered[] }).considered };
}
const cairnOf = (cs: Considered[]) => cs.find((c) => c.predicateType === CAIRN_PREDICATE)!;

/** A file with its own content, crafted as the output of build/app and pushed with `push` (through `extraEnv`). */
function craft(file: string, push: string[], extraEnv: Record<string, string> = {}, home = sb): void {
  writeFileSync(home.path(file), `${file}\n`);
  home.ok(["att", "init", "--workflow", "build", "--project", "app", "--replace"], extraEnv);
  home.ok(["att", "add", "--name", "binary", "--value", file], extraEnv);
  home.ok(["att", "push", ...push], extraEnv);
}

/** A CA, a signing key and the workflow build/app whose contract makes the artifact an output. */
function setUp(home: Sandbox): void {
  home.ok(["ca", "init"]);
  home.ok(["keys", "generate", "--output-prefix", "cosign"]);
  writeFileSync(home.path("c.yaml"), "schemaVersion: v1\nmaterials:\n  - {name: binary, type: ARTIFACT, output: true}\n");
  home.ok(["att", "init", "--workflow", "build", "--project", "app", "--contract", "c.yaml"]);
  home.ok(["att", "reset"]);
}

beforeAll(async () => {
  setUp(sb);
  setUp(kl);
  const token = sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--project", "app", "--workflow", "build"]).token;
  served = await serve(sb);
  env = { CAIRN_CONTROL_PLANE: served.url, CAIRN_TOKEN: token };
  sb.ok(["trust-root", "export", "-o", kl.path("other-root.json")]);
  kl.ok(["trust-root", "export", "-o", kl.path("home-root.json")]);
});
afterAll(async () => {
  await served?.stop();
  sb.cleanup();
  kl.cleanup();
});

describe("cairn verify artifact: trust and the transparency log", () => {
  test("an untrusted CA: a keyless push passes under the home's CA (exit 0), fails under another home's root only (exit 1)", () => {
    craft("keyless.bin", ["--keyless"], {}, kl);
    const home = verifyJson("keyless.bin", [], kl);
    expect(home.code).toBe(0);
    expect(cairnOf(home.considered)).toMatchObject({ accepted: true, reasons: [] });
    expect(verifyJson("keyless.bin", ["--trusted-root", "home-root.json"], kl).code).toBe(0);
    const foreign = verifyJson("keyless.bin", ["--trusted-root", "other-root.json"], kl);
    expect(foreign.code).toBe(1);
    // Every home CA has this DN: the reason names the roots tried, and the bundle's signature is what fails.
    const reason = "signature: untrusted CA: the certificate was issued by O=cairn, CN=cairn intermediate, a CA in none of the trusted roots (other-root.json)";
    expect(foreign.considered.map((c) => [c.accepted, c.reasons])).toEqual([[false, [reason]], [false, [reason]]]);
  });

  test("--require-tlog on a key-signed local push: passes without it (exit 0), exit 4 'no verified transparency-log entry'", () => {
    craft("local.bin", ["--key", "cosign.key"]);
    expect(verifyJson("local.bin", ["--key", "cosign.pub"]).code).toBe(0);
    const v = verifyJson("local.bin", ["--key", "cosign.pub", "--require-tlog"]);
    expect(v.code).toBe(4);
    expect(v.considered.map((c) => [c.tlog, c.reasons])).toEqual([
      [false, ["no verified transparency-log entry (--require-tlog)"]],
      [false, ["no verified transparency-log entry (--require-tlog)"]],
    ]);
  });

  test("--require-tlog on a push through cairn serve (same home): its log entry verifies, exit 0", () => {
    craft("served.bin", [], env);
    const v = verifyJson("served.bin", ["--require-tlog"]);
    expect(v.code).toBe(0);
    expect(cairnOf(v.considered)).toMatchObject({ accepted: true, tlog: true, reasons: [] });
  });

  test("a home whose server logs refuses a local --keyless push (it could never verify), before storing anything", () => {
    writeFileSync(sb.path("late.bin"), "late\n");
    sb.ok(["att", "init", "--workflow", "build", "--project", "app", "--replace"]);
    sb.ok(["att", "add", "--name", "binary", "--value", "late.bin"]);
    const before = sb.counts().attestations;
    const r = sb.run(["att", "push", "--keyless"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("lists the transparency log of the `cairn serve` that ran on it");
    expect(sb.counts().attestations).toBe(before);
    sb.ok(["att", "push", "--key", "cosign.key"]); // the state is kept: another signing method works
  });
});
