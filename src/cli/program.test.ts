import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { buildProgram, COMMANDS, commandsFor } from "./program.ts";

const SRC = resolve(import.meta.dir, "..");

/** Packages reachable from `entries` through static imports of src files (what loading them evaluates). */
function staticPackages(entries: string[]): Set<string> {
  return staticImports(entries).packages;
}

/** What `entries` import statically, through src files: the packages, and the runtime's modules (node:…, bun:…). */
function staticImports(entries: string[]): { packages: Set<string>; builtins: Set<string> } {
  const transpiler = new Bun.Transpiler({ loader: "ts" });
  const seen = new Set<string>();
  const packages = new Set<string>();
  const builtins = new Set<string>();
  const queue = entries.map((e) => join(SRC, e));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file) || !file.endsWith(".ts")) continue; // package.json and other data: no imports
    seen.add(file);
    const source = readFileSync(file, "utf8").replace(/^#!.*/, "");
    for (const { path, kind } of transpiler.scanImports(source)) {
      if (kind !== "import-statement") continue;
      if (/^(node|bun):/.test(path)) {
        builtins.add(path);
        continue;
      }
      if (path.startsWith(".")) queue.push(resolve(dirname(file), path));
      else packages.add(path.split("/").slice(0, path.startsWith("@") ? 2 : 1).join("/"));
    }
  }
  return { packages, builtins };
}

describe("COMMANDS", () => {
  test("names every top-level command as its module defines it, in help order", async () => {
    const loaded = await Promise.all(COMMANDS.map((c) => c.load([])));
    expect(loaded.map((c) => [c.name(), ...c.aliases()])).toEqual(COMMANDS.map((c) => [...c.names]));
  });

  test("`cairn --help` lists every command with its description", async () => {
    const help = (await buildProgram(["--help"])).helpInformation();
    for (const c of await Promise.all(COMMANDS.map((e) => e.load([])))) {
      expect(help).toContain(c.name());
      expect(help).toContain(c.description().slice(0, 30));
    }
  });
});

describe("commandsFor", () => {
  const names = (args: string[]) => commandsFor(args).entries.map((c) => c.names[0]);
  const all = COMMANDS.map((c) => c.names[0]);

  test("the command argv names, by name or alias, after root options and their values", () => {
    expect(names(["att", "add", "--name", "m"])).toEqual(["attestation"]);
    expect(names(["--home", "/tmp/h", "--token", "t", "organization", "list"])).toEqual(["org"]);
    expect(names(["--home=/tmp/h", "verify", "x"])).toEqual(["verify"]);
  });

  test("the arguments after the command go to it: the attestation group builds only the subcommand named", async () => {
    expect(commandsFor(["--home", "h", "att", "--local-state-path", "s.json", "add", "--name", "m"]).rest).toEqual(["--local-state-path", "s.json", "add", "--name", "m"]);
    const leaves = async (args: string[]) => (await buildProgram(args)).commands[0]!.commands.map((c) => c.name());
    expect(await leaves(["att", "add", "--value", "f"])).toEqual(["add"]);
    expect(await leaves(["att", "--local-state-path", "push", "push"])).toEqual(["push"]);
    const all = ["init", "add", "status", "push", "reset", "verify"];
    for (const args of [["att"], ["att", "--help"], ["att", "help", "add"], ["att", "adds"], ["att", "--", "add"]]) expect(await leaves(args)).toEqual(all);
  });

  test("none for --version; all for help, no command, an unknown one, or after --", () => {
    expect(names(["--version"])).toEqual([]);
    expect(names(["--home", "h", "-v"])).toEqual([]);
    expect(names(["-v", "--help"])).toEqual(all);
    expect(names([])).toEqual(all);
    expect(names(["--help"])).toEqual(all);
    expect(names(["help", "att"])).toEqual(all);
    expect(names(["atest"])).toEqual(all);
    expect(names(["--", "att"])).toEqual(all);
  });
});

describe("what a command loads", () => {
  const heavy = ["ajv", "ajv-formats", "yaml", "graphql", "fast-xml-parser", "@marcbachmann/cel-js", "@cyclonedx/cyclonedx-library", "tweetnacl"];
  const verifier = ["@sigstore/verify", "@sigstore/tuf", "@peculiar/x509", "pkijs", "asn1js", "jose"];

  test("a start (--version) loads commander only", () => {
    expect([...staticPackages(["main.ts"])]).toEqual(["commander"]);
  });

  test("att add of an ARTIFACT loads no validator, schema, policy engine, signer or registry client", () => {
    const loaded = staticPackages(["main.ts", "commands/attestation/index.ts", "services/crafting/add.ts"]);
    expect([...loaded]).toEqual(["commander"]);
  });

  test("att init loads no YAML library: a plain contract is read on Bun's parser (crafter/contract/plain-tree.ts)", () => {
    const loaded = staticPackages(["main.ts", "commands/attestation/index.ts", "commands/attestation/init.ts", "services/crafting/init.ts", "cli/render-status.ts"]);
    expect([...loaded]).toEqual(["commander"]);
  });

  test("att init and att add load neither node:crypto nor node:tty: either module's start loads node:stream (~3 ms)", () => {
    for (const entries of [
      ["main.ts", "commands/attestation/index.ts", "services/crafting/add.ts"],
      ["main.ts", "commands/attestation/index.ts", "commands/attestation/init.ts", "services/crafting/init.ts", "cli/render-status.ts"],
    ]) {
      const { builtins } = staticImports(entries);
      expect(builtins).toContain("node:fs");
      for (const m of ["node:crypto", "node:tty", "node:stream"]) expect(builtins).not.toContain(m);
    }
  });

  test("att push --key loads the DSSE signer, not the verifier, TUF, x509 or the validators", () => {
    const loaded = staticPackages(["main.ts", "commands/attestation/index.ts", "services/crafting/push.ts", "services/keys.ts", "signing/sign.ts"]);
    for (const p of [...heavy, ...verifier]) expect(loaded).not.toContain(p);
    expect(loaded).toContain("@sigstore/sign");
  });
});
